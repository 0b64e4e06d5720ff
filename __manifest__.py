# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales Service",
    "version": "18.0.1.0.0",
    "category": "Services/After-Sales",
    "summary": "Machine archive by serial number, end users, dealers, warranty and "
    "the service fee schedule for a manufacturer's after-sales service",
    "description": """
After-sales service for a manufacturer that sells machines through dealers.

* Product archive: every machine by serial number (on stock.lot) with the dealer that
  bought it, the end user who owns it and its warranty, filled by real deliveries.
* Customer archives: dealers with a dealer level and code, end users served by a dealer.
* Part classes on products (finished product, module, standard part, wear part,
  core IP part), serviceable-part flag, warranty months, service cost amplification.
* Service charge standard: the printable fee schedule (labour, travel, inspection...).
""",
    "author": "aftersales developers",
    "website": "https://localhost/aftersales",
    "license": "LGPL-3",
    "depends": ["stock", "account", "sale_management", "portal", "delivery", "resource"],
    "external_dependencies": {"python": ["numpy"]},
    "data": [
        "security/aftersales_groups.xml",
        "security/ir.model.access.csv",
        "security/aftersales_security.xml",
        "data/product_data.xml",
        "data/ir_cron_data.xml",
        "data/stock_data.xml",
        "data/pricing_data.xml",
        "data/aftersales_claim_data.xml",
        "reports/product_template_reports.xml",
        "reports/product_template_templates.xml",
        "reports/aftersales_pricing_reports.xml",
        "reports/aftersales_pricing_templates.xml",
        "reports/aftersales_claim_reports.xml",
        "reports/aftersales_claim_templates.xml",
        "wizard/stock_lot_register_views.xml",
        "wizard/aftersales_claim_reject_views.xml",
        "wizard/aftersales_claim_send_back_views.xml",
        "wizard/aftersales_claim_partial_approve_views.xml",
        "views/aftersales_dealer_level_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/stock_lot_views.xml",
        "views/stock_warehouse_views.xml",
        "views/aftersales_service_bom_views.xml",
        "views/aftersales_pricing_run_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/aftersales_claim_views.xml",
        "views/aftersales_claim_line_views.xml",
        "views/aftersales_failure_rate_report_views.xml",
        "views/stock_lot_claim_views.xml",
        "views/res_partner_claim_views.xml",
        "views/account_move_claim_views.xml",
        "views/stock_picking_claim_views.xml",
        "views/res_config_settings_claim_views.xml",
        "views/portal_templates.xml",
        "views/aftersales_menus.xml",
    ],
    "demo": [
        "demo/aftersales_demo.xml",
        "demo/aftersales_pricing_demo.xml",
        "demo/aftersales_claim_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "aftersales/static/src/js/portal_claim.js",
        ],
        "web.assets_tests": [
            "aftersales/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
