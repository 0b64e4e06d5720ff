from odoo import models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class AftersalesStateGateMixin(models.AbstractModel):
    """The state gate of an after-sales document: a button's transition runs only when the
    record's computed ``can_be_<x>`` flag allows it, and the refusal names the record, its state
    as the user reads it (the selection's label in the user's language) and what was asked.

    A model whose refusal should read otherwise sets ``_state_gate_message``: a lazy translation
    (``_lt``) with the placeholders ``%(record)s``, ``%(state)s`` and ``%(verb)s``.
    """

    _name = "aftersales.state.gate.mixin"
    _description = "After-Sales State Gate"

    _state_gate_message = _lt("%(record)s is %(state)s and cannot be %(verb)s.")

    def _get_state_label(self):
        """The record's state in the user's language."""
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_can(self, gate, verb):
        """Refuse the transition guarded by the boolean field ``gate`` for the first record it
        does not allow; ``verb`` (translated by the caller) says what was asked."""
        refused = self.filtered(lambda record: not record[gate])[:1]
        if refused:
            raise UserError(self.env._(self._state_gate_message) % {
                "record": refused.display_name,
                "state": refused._get_state_label(),
                "verb": verb,
            })
