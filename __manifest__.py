# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales Service",
    "version": "18.0.1.8.0",
    "category": "Services/After-Sales",
    "summary": "Machine archive by serial number, end users, dealers, warranty, the service fee "
    "schedule and spare-parts stock for a manufacturer's after-sales service",
    "description": """
After-sales service for a manufacturer that sells machines through dealers (Odoo portal for
dealers, Invoicing for accountants). The user guide is readme/USAGE.md.

* Product archive: every machine by serial number (on stock.lot) with its dealer, end user,
  warranty; customer archives of dealers (levels) and end users.
* Spare parts: part classes, service BOMs, the double rule and zero profit in every price-list
  mode, core IP parts never priced, parts quotes to dealers only, a published service charge
  standard in dated versions.
* Warranty claims checked against the archive, reviewed (default reviewer or round robin),
  credited as credit notes; dealer settlement per order, monthly or quarterly, with statements
  the dealer confirms on the portal and gift credit on a loyalty eWallet.
* Service campaigns and recalls: affected machines by serial, range, production date or
  filter, campaign claims on the portal, contact requests, dealer reminders, progress.
* Replacement serials: every machine's modules by serial (component history from claims and
  repairs), a parts warranty per part class, the returned serial in the claimed-parts room.
* Life-cycle cost of every machine and product: cost per machine-year over the machines' ages,
  by cause, fastest-growing products, improvement plans with the cost before and after.
* Service desk (hotline, complaints, field service, repairs, maintenance reminders),
  satisfaction call-backs by the outbound agents, satisfaction cost without double counting.
* Spare-parts stock: reserve plans from service history by source, claimed-parts room, the
  purchase-to-consumption chain, stock aging against the company's target.
* KPI appraisal: schemes agreed by the employees, approved, revised as versions.
""",
    "author": "aftersales developers",
    "website": "https://localhost/aftersales",
    "license": "LGPL-3",
    "depends": ["stock", "account", "sale_management", "portal", "delivery", "resource", "repair", "calendar", "hr", "loyalty", "sale_loyalty", "purchase_stock",
                # Dealer training: the certification tests
                "survey",
                # OCA knowledge: wiki pages with their history (department documents, knowledge base)
                "document_page"],
    "external_dependencies": {"python": ["numpy"]},
    "data": [
        "security/aftersales_groups.xml",
        "security/ir.model.access.csv",
        "security/aftersales_security.xml",
        "data/product_data.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/stock_data.xml",
        "data/pricing_data.xml",
        "data/aftersales_claim_data.xml",
        "data/aftersales_request_data.xml",
        "data/aftersales_callback_data.xml",
        "data/aftersales_campaign_data.xml",
        # Dealer training and certification
        "data/aftersales_training_data.xml",
        # Roles of the department; outbound call lists
        "data/aftersales_team_data.xml",
        "reports/aftersales_claim_reports.xml",
        "reports/aftersales_claim_templates.xml",
        "reports/aftersales_cost_report_print_reports.xml",
        "reports/aftersales_cost_report_print_templates.xml",
        "reports/aftersales_kpi_sheet_reports.xml",
        "reports/aftersales_kpi_sheet_templates.xml",
        "reports/aftersales_price_check_reports.xml",
        "reports/aftersales_price_check_templates.xml",
        "reports/aftersales_statement_reports.xml",
        "reports/aftersales_statement_templates.xml",
        "reports/aftersales_stock_aging_overview_reports.xml",
        "reports/aftersales_stock_aging_overview_templates.xml",
        "reports/product_template_reports.xml",
        "reports/product_template_templates.xml",
        "reports/sale_order_reports.xml",
        "reports/sale_order_templates.xml",
        "data/aftersales_statement_data.xml",
        "wizard/aftersales_claim_partial_approve_views.xml",
        "wizard/aftersales_claim_reject_views.xml",
        "wizard/aftersales_claim_send_back_views.xml",
        "wizard/aftersales_cost_report_print_views.xml",
        "wizard/aftersales_statement_generate_views.xml",
        "wizard/aftersales_stock_aging_overview_views.xml",
        "wizard/stock_lot_register_views.xml",
        "wizard/product_template_fee_print_views.xml",
        "wizard/product_template_fee_version_views.xml",
        "views/account_move_line_views.xml",
        "views/account_move_views.xml",
        "views/account_payment_views.xml",
        "views/aftersales_callback_views.xml",
        "views/aftersales_claim_line_views.xml",
        "views/aftersales_claim_views.xml",
        "views/aftersales_machine_component_views.xml",
        "views/aftersales_dealer_level_views.xml",
        "views/aftersales_improvement_plan_views.xml",
        "views/aftersales_kpi_period_views.xml",
        "views/aftersales_kpi_scheme_views.xml",
        "views/aftersales_kpi_sheet_line_views.xml",
        "views/aftersales_kpi_sheet_views.xml",
        "views/aftersales_pricing_run_views.xml",
        "views/aftersales_request_views.xml",
        "views/aftersales_reserve_plan_line_views.xml",
        "views/aftersales_reserve_plan_views.xml",
        "views/aftersales_service_bom_views.xml",
        "views/aftersales_service_cost_views.xml",
        "views/aftersales_sla_views.xml",
        "views/aftersales_statement_views.xml",
        "views/aftersales_team_views.xml",
        "views/hr_employee_views.xml",
        "views/product_category_views.xml",
        "views/product_pricelist_item_views.xml",
        "views/product_template_views.xml",
        "views/repair_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/sale_order_line_views.xml",
        "views/sale_order_views.xml",
        "views/stock_lot_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_quant_views.xml",
        "views/stock_warehouse_views.xml",
        "reports/aftersales_cost_report_views.xml",
        "reports/aftersales_failure_rate_report_views.xml",
        "reports/aftersales_lifecycle_cost_report_views.xml",
        "reports/aftersales_price_check_views.xml",
        "reports/aftersales_purchase_exception_report_views.xml",
        "reports/aftersales_satisfaction_report_views.xml",
        "reports/aftersales_stock_aging_report_views.xml",
        "views/portal_statement_templates.xml",
        "views/portal_templates.xml",
        # Service campaigns on the dealer portal
        "views/portal_campaign_templates.xml",
        "views/aftersales_job_views.xml",
        "views/aftersales_campaign_views.xml",
        "views/aftersales_campaign_machine_views.xml",
        # Dealer training and certification
        "views/aftersales_training_course_views.xml",
        "views/aftersales_certification_views.xml",
        "views/portal_training_templates.xml",
        # Roles of the department; outbound call lists
        "views/hr_job_views.xml",
        "views/aftersales_call_list_views.xml",
        # Department documents and knowledge base
        "views/document_page_views.xml",
        "views/portal_knowledge_templates.xml",
        # Dealer service audits
        "data/aftersales_audit_data.xml",
        "views/aftersales_audit_template_views.xml",
        "views/aftersales_audit_views.xml",
        "views/aftersales_audit_action_views.xml",
        "views/portal_audit_templates.xml",
        "views/aftersales_menus.xml",
    ],
    "demo": [
        "demo/aftersales_demo.xml",
        "demo/aftersales_pricing_demo.xml",
        "demo/aftersales_fee_demo.xml",
        "demo/aftersales_claim_demo.xml",
        "demo/aftersales_component_demo.xml",
        "demo/aftersales_campaign_demo.xml",
        "demo/aftersales_request_demo.xml",
        "demo/aftersales_satisfaction_demo.xml",
        "demo/aftersales_kpi_demo.xml",
        "demo/aftersales_statement_demo.xml",
        "demo/aftersales_stock_demo.xml",
        "demo/aftersales_lifecycle_demo.xml",
        # Dealer training and certification
        "demo/aftersales_training_demo.xml",
        # Outbound call lists; positions of the demo employees
        "demo/aftersales_outbound_demo.xml",
        "demo/aftersales_documents_demo.xml",
        # Dealer service audits
        "demo/aftersales_audit_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "aftersales/static/src/js/portal_claim.js",
            "aftersales/static/src/scss/portal.scss",
        ],
        "web.assets_tests": [
            "aftersales/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
