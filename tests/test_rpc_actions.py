import ast
from datetime import date, timedelta
from collections import namedtuple
from contextlib import closing
from pathlib import Path
from xmlrpc.client import Fault

from lxml import etree

from odoo import fields
from odoo.fields import Command
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged

from .common import use_one_time_zone

ADDON = "aftersales"
ADDON_PACKAGE = f"odoo.addons.{ADDON}."

# One XML-RPC call of a button: the records it is called on (none for an @api.model method),
# the arguments a client passes, and the login (password = login) of the user who clicks it.
Call = namedtuple("Call", "records args kwargs login", defaults=((), (), None, "admin"))


def _body_can_complete(statements):
    """Whether control can run off the end of ``statements`` (conservative: a loop may end)."""
    return all(_statement_can_complete(statement) for statement in statements)


def _statement_can_complete(statement):
    if isinstance(statement, (ast.Return, ast.Raise)):
        return False
    if isinstance(statement, ast.If):
        return _body_can_complete(statement.body) or _body_can_complete(statement.orelse)
    if isinstance(statement, ast.With):
        return _body_can_complete(statement.body)
    if isinstance(statement, ast.Try):
        if statement.finalbody and not _body_can_complete(statement.finalbody):
            return False
        return _body_can_complete(statement.body + statement.orelse) or any(
            _body_can_complete(handler.body) for handler in statement.handlers
        )
    return True


def _own_returns(function):
    """The return statements of ``function`` itself, not of the functions defined inside it."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            yield node
        stack.extend(ast.iter_child_nodes(node))


@tagged("post_install", "-at_install")
class TestRpcActions(HttpCase):
    """Every button of the add-on answers an XML-RPC client with a value XML-RPC can carry
    (an action or True): a method that returns None makes the server fail with "cannot
    marshal None" after the change is made."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        use_one_time_zone(cls.env)
        cls.admin = cls.env.ref("base.user_admin")
        cls.service = cls.env.ref("aftersales.user_service_demo")
        cls.uids = {"admin": cls.admin.id, "service": cls.service.id}

    # ------------------------------------------------------------------ helpers
    def _execute(self, model, method, call):
        """Call ``method`` over XML-RPC (/xmlrpc/2/object) as ``call.login``; ids first, as a
        client passes them, unless the method works on the model (@api.model)."""
        args = list(call.args)
        if not self._is_model_method(model, method):
            args.insert(0, call.records.ids)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.uids[call.login], call.login, model, method, args,
            call.kwargs or {},
        )

    def _is_model_method(self, model, method):
        return getattr(getattr(self.env.registry[model], method), "_api", None) == "model"

    @staticmethod
    def _addon_classes(model_class):
        """The classes of the add-on's own Python code that make up ``model_class``."""
        return [
            klass for klass in model_class.__mro__
            if getattr(klass, "__module__", "").startswith(ADDON_PACKAGE)
        ]

    def _addon_methods(self):
        """{(model, method)} of the public ``action_*`` methods the add-on's own Python code
        defines (new or overridden), and of any other method of the add-on a button of its
        views calls."""
        found = set()
        for name, model_class in self.env.registry.items():
            if model_class._abstract:  # no records to call a button on over RPC
                continue
            for klass in self._addon_classes(model_class):
                found.update(
                    (name, attr) for attr, value in vars(klass).items()
                    if attr.startswith("action_") and callable(value)
                )
        view_ids = self.env["ir.model.data"].search(
            [("module", "=", ADDON), ("model", "=", "ir.ui.view")]
        ).mapped("res_id")
        for view in self.env["ir.ui.view"].browse(view_ids):
            if view.model not in self.env.registry:
                continue
            classes = self._addon_classes(self.env.registry[view.model])
            for button in etree.fromstring(view.arch_db).iter("button"):
                method = button.get("name")
                if button.get("type") == "object" and any(method in vars(k) for k in classes):
                    found.add((view.model, method))
        return found

    def _ref(self, xmlid):
        return self.env.ref(f"{ADDON}.{xmlid}")

    # ------------------------------------------------------------- the buttons
    def _cases(self):
        """{(model, method): setup} — each setup puts demo records in the state where the
        button succeeds and returns its Call. Every case runs in a savepoint rolled back after
        it, so each starts from the demo data."""
        ref = self._ref
        env = self.env
        part = ref("product_part_air_filter_demo").product_tmpl_id
        finished = ref("product_generator_demo").product_tmpl_id
        fee = env["product.template"].search([("aftersales_fee_type", "!=", False)], limit=1)
        dealer = ref("partner_dealer_north_demo")  # its statement is sent
        south = ref("partner_dealer_south_demo")  # its statement is a draft
        lot = ref("lot_generator_1001_demo")
        draft_claim = ref("claim_generator_1001_demo")
        submitted_claim = ref("claim_pump_1002_demo")
        settled_claim = ref("claim_compressor_1003_demo")
        claim_with_return = ref("claim_generator_1004_demo")
        question = ref("aftersales_request_question_demo")
        field_service = ref("aftersales_request_field_service_demo")  # dispatched
        repair_request = ref("aftersales_request_repair_demo")
        Statement = env["aftersales.statement"]
        this_month = ref("aftersales_kpi_period_this_month_demo")  # computed
        plan = ref("reserve_plan_demo")  # draft, computed

        # Service campaigns
        recall = ref("campaign_compressor_recall_demo")

        def recall_row(serial):
            return recall.machine_ids.filtered(lambda row: row.lot_id.name == f"AM-50-{serial}")

        def new_campaign():
            return Call(env["aftersales.campaign"].create({
                "title": "RPC recall", "product_ids": [Command.set(ref("product_compressor_demo").ids)],
                "serial_from": "AM-50-1011", "serial_to": "AM-50-1013", "labour_hours": 1.0,
            }))

        def activated_campaign():
            call = new_campaign()
            call.records.action_activate()
            return call

        def recall_with_job():
            env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", "1")
            recall.action_contact_end_users()
            return Call(recall)

        def planned_callback():
            return ref("callback_pump_1002_planned_demo")

        def visited_field_service():
            # the demo visit is dispatched for tomorrow: settled once the engineer has been
            field_service.visit_start = fields.Datetime.now() - timedelta(hours=3)
            return Call(field_service)

        def answered_callback():
            callback = planned_callback()
            callback.write({"product_quality_score": 4, "service_quality_score": 5})
            return Call(callback)

        def cancelled_callback():
            callback = planned_callback()
            callback.action_cancel()
            return Call(callback)

        def cancelled_claim():
            submitted_claim.action_cancel()
            return Call(submitted_claim)

        def approved_per_claim_claim():
            # approved while its dealer was settled monthly; the dealer now is per claim
            claim = ref("claim_generator_1006_demo")
            claim.dealer_id.claim_settlement_mode = "per_claim"
            return Call(claim)

        def claim_with_end_user_changes():
            # the end user's archive says otherwise than the approved claim
            claim = ref("claim_generator_1006_demo")
            claim.end_user_id.name = f"{claim.end_user_id.name} Senior"
            return Call(claim)

        def approvable_claim():
            # the reviewer checked the parts that are not in the machine's service BOM
            submitted_claim.line_ids.is_part_confirmed = True
            return Call(submitted_claim)

        def sent_statement():
            return Statement.search([("dealer_id", "=", dealer.id), ("state", "=", "sent")])

        def draft_statement():
            return Statement.search([("dealer_id", "=", south.id), ("state", "=", "draft")])

        def scheme_in_discussion():
            # the demo scheme (approved) revised: its version 2 discussed with Sam, Lin, Maria
            this_month.scheme_id.action_revise()
            version = this_month.scheme_id.next_version_id
            version.action_start_discussion()
            return version

        def approvable_scheme():
            version = scheme_in_discussion()
            version.agreement_ids.action_record_agreement()
            return Call(version)

        def agreement_without_user():
            return Call(scheme_in_discussion().agreement_ids.filtered(lambda a: not a.user_id)[:1])

        def confirmed_parts_order():
            # a parts order of the northern dealer, settled per order, confirmed
            order = ref("sale_order_parts_quote_demo")
            order.action_confirm()
            return Call(order)

        def sheet_under_discussion():
            this_month.action_start_discussion()
            sheet = this_month.sheet_ids.filtered(lambda s: s.user_id == self.service)
            return Call(sheet, login="service")

        def computed_pricing_run():
            run = env["aftersales.pricing.run"].create({})
            run.action_compute()
            return Call(run)

        def cancelled_plan():
            plan.action_cancel()
            return Call(plan)

        def quant_with_receipt():
            quants = env["stock.quant"].search([
                ("location_id.usage", "=", "internal"),
                ("product_id.is_serviceable_part", "=", True),
            ])
            return Call(quants.filtered("aftersales_incoming_move_id")[:1])

        def partial_approve_wizard():
            approvable_claim()
            wizard = env["aftersales.claim.partial.approve"].create({
                "claim_id": submitted_claim.id, "reason": "Labour above the standard time.",
            })
            wizard.line_ids[-1:].amount_approved = 0.0
            return Call(wizard)

        def queued_job():
            """A draw of two dealers' statements queued in the background (batches of one)."""
            env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 1)
            today = fields.Date.today()
            return env["aftersales.statement"]._start_draw(
                dealer | south, today.replace(day=1), today, skip_frozen=True,
            ).job

        def failed_job():
            job = queued_job()
            job.batch_ids[0].state = "failed"
            job.batch_ids[1].state = "done"
            job.state = "failed"
            return Call(job)

        def with_running_job(record, method="action_compute"):
            """``record`` whose ``method`` queued a background job (batches of one)."""
            def setup():
                env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 1)
                target = record() if callable(record) else record
                getattr(target, method)()
                return Call(target)
            return setup

        def job_of(record):
            def setup():
                target = with_running_job(record)().records
                return Call(target._get_aftersales_jobs()[:1])
            return setup

        def point_with_answer():
            point = ref("document_page_parts_point_demo")
            point.answer = "45 days for the far regions."
            return Call(point)

        def answered_discussion():
            point_with_answer().records.action_answer()
            return Call(ref("document_page_parts_procedure_demo"))

        def approved_article():
            article = env["document.page"].create({"name": "RPC Article", "aftersales_kind": "article"})
            article.action_approve()
            return Call(article)

        def new(model, **vals):
            return lambda: Call(env[model].create(vals))

        # Outbound call lists (the demo care list is calling: its first call interested, with
        # a follow-up request, the third to call again)
        care = ref("call_list_generator_care_demo")

        def care_call(outcome=None, state="to_call"):
            return lambda: care.line_ids.filtered(
                lambda line: line.state == state and outcome in (None, line.outcome)
            ).sorted("id")[:1]

        def interested_call_to_follow():
            line = care_call("interested", "done")()
            line.request_id = False  # the demo's follow-up request made again
            return line

        def new_call_list():
            return Call(env["aftersales.call.list"].create({
                "name": "RPC calls", "product_ids": [Command.set(ref("product_generator_demo").ids)],
            }))

        def built_call_list():
            call = new_call_list()
            call.records.action_build_list()
            return call

        def call_list_with_job():
            env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", "1")
            call = new_call_list()
            call.records.action_build_list()
            return call
        def submitted_self_audit():
            audit = ref("audit_north_self_demo")
            audit.action_submit()
            return audit

        def on(records, **call):
            """The case of a button called on ``records`` (or on what a function finds then)."""
            return lambda: Call(records() if callable(records) else records, **call)

        return {
            ("account.move", "action_view_aftersales_claims"): on(ref("invoice_north_1_demo")),
            # background jobs
            ("aftersales.job", "action_cancel"): on(queued_job),
            ("aftersales.job", "action_retry_failed"): failed_job,
            ("aftersales.job", "action_view_record"): job_of(plan),
            ("aftersales.pricing.run", "action_view_aftersales_job"): with_running_job(
                lambda: env["aftersales.pricing.run"].create({})),
            ("aftersales.reserve.plan", "action_view_aftersales_job"): with_running_job(plan),
            ("aftersales.kpi.period", "action_view_aftersales_job"): with_running_job(this_month),
            # call-backs
            ("aftersales.callback", "action_done"): answered_callback,
            ("aftersales.callback", "action_unreachable"): on(planned_callback),
            ("aftersales.callback", "action_cancel"): on(planned_callback),
            ("aftersales.callback", "action_reset"): cancelled_callback,
            ("aftersales.callback", "action_plan_callbacks"): on(planned_callback),
            # claims and their review wizards
            ("aftersales.claim", "action_submit"): on(draft_claim),
            ("aftersales.claim", "action_approve"): approvable_claim,
            ("aftersales.claim", "action_open_partial_approve"): on(submitted_claim),
            ("aftersales.claim", "action_open_reject"): on(submitted_claim),
            ("aftersales.claim", "action_open_send_back"): on(submitted_claim),
            ("aftersales.claim", "action_settle"): approved_per_claim_claim,
            ("aftersales.claim", "action_close"): on(ref("claim_generator_1003_demo")),
            ("aftersales.claim", "action_cancel"): on(submitted_claim),
            ("aftersales.claim", "action_reset_to_draft"): cancelled_claim,
            ("aftersales.claim", "action_update_end_user"): claim_with_end_user_changes,
            ("aftersales.claim", "action_view_callbacks"): on(settled_claim),
            ("aftersales.claim", "action_view_refund"): on(settled_claim),
            ("aftersales.claim", "action_view_requests"): on(draft_claim),
            ("aftersales.claim", "action_view_return_pickings"): on(claim_with_return),
            ("aftersales.claim.partial.approve", "action_partial_approve"): partial_approve_wizard,
            ("aftersales.claim.reject", "action_reject"): new(
                "aftersales.claim.reject",
                claim_ids=[Command.set(submitted_claim.ids)], reason="Misuse.",
            ),
            ("aftersales.claim.send.back", "action_send_back"): new(
                "aftersales.claim.send.back",
                claim_ids=[Command.set(submitted_claim.ids)], question="A photo of the seal?",
            ),
            # analysis and configuration
            ("aftersales.cost.report.print", "action_print"): new("aftersales.cost.report.print"),
            ("aftersales.dealer.level", "action_view_dealers"): on(ref("dealer_level_gold_demo")),
            ("aftersales.price.check", "action_refresh"): on(()),  # @api.model
            ("aftersales.stock.aging.overview", "action_open_analysis"): new(
                "aftersales.stock.aging.overview"
            ),
            ("aftersales.stock.aging.overview", "action_print"): new(
                "aftersales.stock.aging.overview"
            ),
            ("aftersales.team", "action_view_requests"): on(ref("aftersales_team_field_demo")),
            # KPI appraisal
            ("aftersales.kpi.period", "action_compute"): on(this_month),
            ("aftersales.kpi.period", "action_start_discussion"): on(this_month),
            ("aftersales.kpi.period", "action_confirm"): on(this_month),
            ("aftersales.kpi.period", "action_reset_to_draft"): on(this_month),
            ("aftersales.kpi.period", "action_view_sheets"): on(this_month),
            ("aftersales.kpi.scheme", "action_view_periods"): on(this_month.scheme_id),
            ("aftersales.kpi.scheme", "action_view_versions"): on(this_month.scheme_id),
            ("aftersales.kpi.scheme", "action_revise"): on(this_month.scheme_id),
            ("aftersales.kpi.scheme", "action_start_discussion"): on(
                lambda: env["aftersales.kpi.scheme"].create({
                    "name": "RPC Scheme", "department_id": ref("hr_department_aftersales_demo").id,
                    "item_ids": [Command.create({"name": "Reports", "weight": 100.0, "target": 4.0})],
                })
            ),
            ("aftersales.kpi.scheme", "action_agree"): on(scheme_in_discussion, login="service"),
            ("aftersales.kpi.scheme", "action_approve"): approvable_scheme,
            ("aftersales.kpi.scheme", "action_reset_to_draft"): on(scheme_in_discussion),
            ("aftersales.kpi.scheme.agreement", "action_record_agreement"): agreement_without_user,
            ("aftersales.kpi.sheet", "action_agree"): sheet_under_discussion,
            # pricing and reserve planning
            ("aftersales.pricing.run", "action_compute"): new("aftersales.pricing.run"),
            ("aftersales.pricing.run", "action_apply"): computed_pricing_run,
            ("aftersales.pricing.run", "action_cancel"): new("aftersales.pricing.run"),
            ("aftersales.reserve.plan", "action_compute"): on(plan),
            ("aftersales.reserve.plan", "action_apply"): on(plan),
            ("aftersales.reserve.plan", "action_cancel"): on(plan),
            ("aftersales.reserve.plan", "action_draft"): cancelled_plan,
            ("aftersales.reserve.plan", "action_view_lines"): on(plan, kwargs={"proposal": "stop"}),
            ("aftersales.reserve.plan", "action_view_orderpoints"): on(plan),
            ("aftersales.reserve.plan", "action_view_stop_candidates"): on(plan),
            # service desk
            ("aftersales.request", "action_start"): on(question),
            ("aftersales.request", "action_wait"): on(question),
            ("aftersales.request", "action_done"): on(question),
            ("aftersales.request", "action_cancel"): on(question),
            ("aftersales.request", "action_reset"): on(ref("aftersales_request_callback_demo")),
            ("aftersales.request", "action_dispatch"): on(field_service),
            ("aftersales.request", "action_settle"): visited_field_service,
            ("aftersales.request", "action_create_repair"): on(repair_request),
            ("aftersales.request", "action_view_claims"): on(question),
            ("aftersales.request", "action_view_invoice"): on(question),
            ("aftersales.request", "action_view_product_complaints"): on(question),
            ("aftersales.request", "action_view_repair"): on(question),
            # dealer statements
            ("aftersales.statement", "action_regenerate"): on(draft_statement),
            ("aftersales.statement", "action_send"): on(draft_statement),
            ("aftersales.statement", "action_confirm"): on(sent_statement),
            ("aftersales.statement", "action_dispute"): on(sent_statement, args=["Not ours."]),
            ("aftersales.statement", "action_close"): on(sent_statement),
            ("aftersales.statement", "action_reset_to_draft"): on(sent_statement),
            ("aftersales.statement", "action_view_moves"): on(sent_statement),
            ("aftersales.statement", "action_invoice_orders"): on(sent_statement),
            ("aftersales.statement.line", "action_open_move"): on(
                lambda: Statement.search([("line_ids.move_id", "!=", False)], limit=1).line_ids[:1]
            ),
            ("aftersales.statement.generate", "action_generate"): new(
                "aftersales.statement.generate", dealer_ids=[Command.set(south.ids)]
            ),
            # parts, machines, dealers
            ("product.template", "action_print_fee_schedule"): on(fee),
            ("product.template", "action_open_fee_print"): on(fee),
            ("product.template", "action_open_fee_version"): on(fee),
            ("product.template", "action_view_fee_versions"): on(fee),
            ("product.template.fee.print", "action_print"): new("product.template.fee.print"),
            ("product.template.fee.version", "action_apply"): new(
                "product.template.fee.version", date_from=date(2027, 1, 1),  # after the demo's
            ),
            ("product.template", "action_view_aftersales_claimed_parts"): on(part),
            ("product.template", "action_view_aftersales_consumption"): on(part),
            ("product.template", "action_view_aftersales_exceptions"): on(part),
            ("product.template", "action_view_aftersales_purchases"): on(part),
            ("product.template", "action_view_aftersales_receipts"): on(part),
            ("product.template", "action_view_service_bom"): on(finished),
            ("product.template", "action_view_used_in"): on(part),
            ("res.partner", "action_view_aftersales_statements"): on(dealer),
            ("res.partner", "action_view_claims"): on(dealer),
            ("res.partner", "action_view_dealer_machines"): on(dealer),
            ("res.partner", "action_view_owned_machines"): on(lot.end_user_id),
            ("res.partner", "action_view_served_end_users"): on(dealer),
            ("sale.order", "action_confirm"): on(ref("sale_order_parts_quote_demo")),
            ("sale.order", "action_aftersales_register_payment"): confirmed_parts_order,
            ("sale.order", "action_view_aftersales_payments"): on(ref("sale_order_parts_quote_demo")),
            ("sale.order", "action_quotation_send"): on(ref("sale_order_parts_quote_demo")),
            # Service campaigns (the demo recall: AM-50-1001 done, AM-50-1002 open)
            ("aftersales.campaign", "action_activate"): new_campaign,
            ("aftersales.campaign", "action_close"): on(recall),
            ("aftersales.campaign", "action_contact_end_users"): on(recall),
            ("aftersales.campaign", "action_remind_dealers"): on(recall),
            ("aftersales.campaign", "action_reset_to_draft"): activated_campaign,
            ("aftersales.campaign", "action_view_aftersales_job"): recall_with_job,
            ("aftersales.campaign", "action_view_claims"): on(recall),
            ("aftersales.campaign", "action_view_dealer_progress"): on(recall),
            ("aftersales.campaign", "action_view_machines"): on(recall),
            ("aftersales.campaign", "action_view_requests"): on(recall),
            ("aftersales.campaign.machine", "action_create_claim"): lambda: Call(recall_row("1002")),
            ("aftersales.campaign.machine", "action_view_claim"): lambda: Call(recall_row("1001")),
            ("stock.lot", "action_view_campaigns"): on(ref("lot_compressor_1002_demo")),
            ("stock.lot", "action_open_register"): on(lot),
            ("stock.lot", "action_view_claims"): on(lot),
            ("stock.lot", "action_view_repairs"): on(lot),
            ("stock.lot", "action_view_requests"): on(lot),
            ("stock.lot.register", "action_register"): new(
                "stock.lot.register", lot_id=lot.id, name="RPC End User", phone="+44 20 7946 0999",
            ),
            ("stock.quant", "action_view_aftersales_incoming_move"): quant_with_receipt,
            # Outbound call lists
            ("aftersales.call.list", "action_build_list"): new_call_list,
            ("aftersales.call.list", "action_activate"): built_call_list,
            ("aftersales.call.list", "action_done"): on(care),
            ("aftersales.call.list", "action_reset_to_draft"): on(care),
            ("aftersales.call.list", "action_view_lines"): on(care),
            ("aftersales.call.list", "action_view_aftersales_job"): call_list_with_job,
            ("aftersales.call.list.line", "action_reached"): on(care_call(), login="service"),
            ("aftersales.call.list.line", "action_interested"): on(care_call(), login="service"),
            ("aftersales.call.list.line", "action_not_interested"): on(care_call(), login="service"),
            ("aftersales.call.list.line", "action_unreachable"): on(care_call(), login="service"),
            ("aftersales.call.list.line", "action_call_again"): on(care_call(), login="service"),
            ("aftersales.call.list.line", "action_reset"): on(care_call("not_interested", "done")),
            ("aftersales.call.list.line", "action_create_request"): on(interested_call_to_follow),
            ("aftersales.call.list.line", "action_create_lead"): on(care_call("interested", "done")),
            # life-cycle cost and improvement plans (issue 23)
            ("aftersales.improvement.plan", "action_start"): new(
                "aftersales.improvement.plan", name="RPC Plan",
                line_ids=[Command.create({"product_tmpl_id": finished.id})],
            ),
            # the demo plan is in progress
            ("aftersales.improvement.plan", "action_done"): on(ref("improvement_plan_generator_demo")),
            ("aftersales.improvement.plan", "action_reset"): on(ref("improvement_plan_generator_demo")),
            ("product.template", "action_view_lifecycle_cost"): on(finished),
            ("stock.lot", "action_view_lifecycle_cost"): on(lot),
            # Dealer training and certification (the demo generator course is published)
            ("aftersales.training.course", "action_publish"): on(ref("training_course_generator_demo")),
            ("aftersales.training.course", "action_unpublish"): on(ref("training_course_generator_demo")),
            ("aftersales.training.course", "action_view_certifications"): on(
                ref("training_course_generator_demo")
            ),
            ("res.partner", "action_view_aftersales_certifications"): on(dealer),
            # department documents and knowledge base (the demo's parts procedure is in
            # discussion with a point of the staff not answered)
            ("document.page", "action_start_discussion"): new(
                "document.page", name="RPC Document", aftersales_kind="document", level="1",
            ),
            ("document.page", "action_approve"): answered_discussion,
            ("document.page", "action_release"): approved_article,
            ("document.page", "action_new_version"): on(ref("document_page_policy_demo")),
            ("document.page", "action_reset_to_draft"): on(ref("document_page_parts_procedure_demo")),
            ("aftersales.document.point", "action_answer"): point_with_answer,
            ("aftersales.claim", "action_view_knowledge_articles"): on(ref("claim_generator_1003_demo")),
            ("aftersales.request", "action_view_knowledge_articles"): on(question),
            # dealer service audits: Northfield's done audit with open actions, its self-audit
            ("aftersales.audit", "action_start"): new(
                "aftersales.audit", dealer_id=south.id, template_id=ref("aftersales_audit_template_default").id,
            ),
            ("aftersales.audit", "action_submit"): on(ref("audit_north_self_demo")),
            ("aftersales.audit", "action_done"): on(submitted_self_audit),
            ("aftersales.audit", "action_reopen"): on(ref("audit_north_2_demo")),
            ("aftersales.audit", "action_view_actions"): on(ref("audit_north_2_demo")),
            ("aftersales.audit.action", "action_close"): on(ref("audit_action_north_kanban_demo")),
            ("aftersales.audit.action", "action_reopen"): on(ref("audit_action_north_monday_demo")),
            ("res.partner", "action_view_aftersales_audits"): on(dealer),
        }

    # -------------------------------------------------------------------- tests
    def test_every_action_marshals_over_xmlrpc(self):
        """Each button of the add-on, called over XML-RPC where it succeeds, returns an action
        or True. A new action_* needs its case here."""
        cases = self._cases()
        found = self._addon_methods()
        self.assertFalse(
            sorted(found - set(cases)),
            "buttons of the add-on without a successful XML-RPC call in this test: add their case",
        )
        self.assertFalse(sorted(set(cases) - found), "cases of buttons the add-on no longer has")
        failures = []
        for (model, method), setup in sorted(cases.items()):
            # rolled back after each call: every case starts from the demo data
            with closing(self.env.cr.savepoint()):
                try:
                    call = setup()
                    if not (call.records or self._is_model_method(model, method)):
                        failures.append(f"{model}.{method}: no record to call it on")
                        continue
                    result = self._execute(model, method, call)
                except Fault as fault:
                    # a server error's traceback ends with its message; a user error is its message
                    lines = fault.faultString.strip().splitlines()
                    message = lines[-1] if lines[0].startswith("Traceback") else " ".join(lines)
                    failures.append(f"{model}.{method}: {message}")
                    continue
                except Exception as error:  # reported with the others below
                    failures.append(f"{model}.{method}: setup failed: {error!r}")
                    continue
            kind = (result.get("type") or "") if isinstance(result, dict) else ""
            if result is not True and not kind.startswith("ir.actions."):
                failures.append(f"{model}.{method}: returned {result!r}, not an action or True")
        self.assertFalse(failures, "\n" + "\n".join(failures))

    def test_no_action_returns_none(self):
        """Statically, on every path: no action_* of the add-on ends without a return, nor
        returns nothing (the XML-RPC test above follows one path of each)."""
        root = Path(get_module_path(ADDON))
        offenders = []
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(root)
            if relative.parts[0] in ("tests", "migrations"):
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef) or not node.name.startswith("action_"):
                    continue
                for ret in _own_returns(node):
                    value = ret.value
                    if value is None or isinstance(value, ast.Constant) and value.value is None:
                        offenders.append(f"{relative}:{ret.lineno} {node.name} returns None")
                if _body_can_complete(node.body):
                    offenders.append(f"{relative}:{node.lineno} {node.name} can end without return")
        self.assertFalse(offenders, "\n" + "\n".join(offenders))

    def test_service_desk_buttons_over_xmlrpc(self):
        """The request's buttons, clicked by an XML-RPC client, change the state and answer True."""
        request = self._ref("aftersales_request_question_demo")
        steps = [
            ("action_start", "in_progress"), ("action_wait", "waiting"),
            ("action_start", "in_progress"), ("action_done", "done"),
            ("action_reset", "in_progress"), ("action_cancel", "cancelled"),
        ]
        for method, state in steps:
            result = self._execute("aftersales.request", method, Call(request))
            self.assertIs(result, True, method)
            request.invalidate_recordset(["state"])
            self.assertEqual(request.state, state, method)

    def test_used_in_opens_the_finished_products(self):
        """The part form's "Used In" button opens the finished products whose service BOM
        holds the part: called as the web client calls it."""
        part = self._ref("product_part_air_filter_demo").product_tmpl_id
        views = self.env["product.template"].with_user(self.admin).get_views([(False, "form")])
        buttons = etree.fromstring(views["views"]["form"]["arch"]).xpath(
            "//button[@name='action_view_used_in'][@type='object']"
        )
        self.assertEqual(len(buttons), 1, "the Used In button is on the product form")
        self.authenticate("admin", "admin")
        action = self.make_jsonrpc_request(
            "/web/dataset/call_button/product.template/action_view_used_in",
            {"model": "product.template", "method": "action_view_used_in",
             "args": [part.ids], "kwargs": {"context": {}}},
        )
        self.assertIsInstance(action, dict, "the button opens something")
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["res_model"], "product.template")
        opened = self.env["product.template"].search(action["domain"])
        self.assertEqual(
            opened,
            self._ref("product_generator_demo").product_tmpl_id
            | self._ref("product_compressor_demo").product_tmpl_id,
        )
