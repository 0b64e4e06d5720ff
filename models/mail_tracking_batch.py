from odoo import models
from odoo.exceptions import MissingError


class AftersalesTrackingBatchMixin(models.AbstractModel):
    """Tracking messages of a batch logged in one insert.

    Odoo logs the tracking message of each changed record with its own ``mail.message``
    create. When a selection of records changes at once (the claims list's Submit and Approve
    buttons), this mixin logs the same messages, with the same values, author and subtype, in
    one create, and their tracked values in another. A record whose change has a subtype, or
    a batch with a log body or author set for tracking, goes through Odoo's own path.
    """

    _name = "aftersales.tracking.batch.mixin"
    _description = "Tracking messages logged in batch"

    def _message_track(self, fields_iter, initial_values_dict):
        precommit = self.env.cr.precommit.data
        if (
            len(self) < 2
            or not fields_iter
            or precommit.get(f"mail.tracking.message.{self._name}")
            or precommit.get(f"mail.tracking.author.{self._name}")
        ):
            return super()._message_track(fields_iter, initial_values_dict)
        tracked_fields = self.fields_get(
            fields_iter, attributes=("string", "type", "selection", "currency_field")
        )
        tracking = {}
        for record in self:
            try:
                tracking[record.id] = record._mail_track(tracked_fields, initial_values_dict[record.id])
            except MissingError:
                continue
        to_log_ids = []
        for record in self:
            changes, tracking_value_ids = tracking.get(record.id, (None, None))
            if not changes:
                continue
            subtype = record._track_subtype(
                {fname: initial_values_dict[record.id][fname] for fname in changes}
            )
            if subtype:
                if subtype.exists():
                    record.message_post(
                        body=record._track_get_default_log_message(changes),
                        subtype_id=subtype.id,
                        tracking_value_ids=tracking_value_ids,
                    )
            elif tracking_value_ids:
                to_log_ids.append(record.id)
        if to_log_ids:
            to_log = self.browse(to_log_ids)
            messages = to_log._message_log_batch(
                {record.id: record._track_get_default_log_message(tracking[record.id][0]) for record in to_log}
            )
            self.env["mail.tracking.value"].sudo().create([
                dict(command[2], mail_message_id=message.id)
                for record, message in zip(to_log, messages)
                for command in tracking[record.id][1]
            ])
        return tracking
