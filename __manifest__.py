# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales Service",
    "version": "18.0.1.1.0",
    "category": "Services/After-Sales",
    "summary": "Machine archive by serial number, end users, dealers, warranty, the service fee "
    "schedule and spare-parts stock for a manufacturer's after-sales service",
    "description": """
After-sales service for a manufacturer that sells machines through dealers.

* Product archive: every machine by serial number (on stock.lot) with the dealer that
  bought it, the end user who owns it and its warranty, filled by real deliveries.
* Customer archives: dealers with a dealer level and code, end users served by a dealer.
* Part classes on products (finished product, module, standard part, wear part,
  core IP part), serviceable-part flag, warranty months, service cost amplification.
* Service charge standard: the printable fee schedule (labour, travel, inspection...).
* Spare-parts stock: core IP parts never leave the company nor get a price, only serviceable
  parts are sold to dealers, a claimed-parts room per warehouse, the purchase-to-consumption
  chain of every part with the open-loop exceptions, reserve plans that set the reordering
  rules from the service history, and the stock aging against the 80%-within-3-months target.
""",
    "author": "aftersales developers",
    "website": "https://localhost/aftersales",
    "license": "LGPL-3",
    "depends": ["stock", "account", "sale_management", "purchase_stock", "portal"],
    "data": [
        "security/aftersales_groups.xml",
        "security/ir.model.access.csv",
        "security/aftersales_security.xml",
        "data/product_data.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/stock_data.xml",
        "reports/product_template_reports.xml",
        "reports/product_template_templates.xml",
        "reports/aftersales_stock_aging_reports.xml",
        "reports/aftersales_stock_aging_templates.xml",
        "wizard/stock_lot_register_views.xml",
        "wizard/aftersales_stock_aging_overview_views.xml",
        "views/aftersales_dealer_level_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/stock_lot_views.xml",
        "views/stock_warehouse_views.xml",
        "views/stock_quant_views.xml",
        "views/aftersales_reserve_plan_views.xml",
        "views/aftersales_stock_aging_report_views.xml",
        "views/aftersales_purchase_exception_report_views.xml",
        "views/res_config_settings_views.xml",
        "views/aftersales_menus.xml",
    ],
    "demo": [
        "demo/aftersales_demo.xml",
        "demo/aftersales_stock_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "aftersales/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
