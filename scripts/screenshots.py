#!/usr/bin/env python3
"""Screenshots of the user guide, taken from a running demo (``scripts/run``) in headless Chromium.

    /opt/aftersales-venv/bin/python scripts/screenshots.py [--url http://localhost:8069] [--db aftersales]

Logs in as each demo user, opens each page at desktop (1400x900) or phone (390x844) size, waits
until Odoo has drawn it, and writes ``static/description/<name>.png``. The pages are listed in
``SHOTS`` below; the user guide (readme/USAGE.md) shows them. The Chinese shots need a CJK font
on the machine (Debian's ``fonts-noto-cjk``); without one Chromium draws boxes.
"""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import date, timedelta

import requests
import websocket

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DESKTOP = (1400, 900)
PHONE = (390, 844)

# name, login, path, size, CSS selector that shows the page is drawn[, the user's language]
SHOTS = [
    ("machines", "admin", "/odoo/machines", DESKTOP, ".o_list_renderer .o_data_row"),
    ("machine_form", "admin", "/odoo/machines/{machine}", DESKTOP, ".o_form_view .o_statusbar_status"),
    ("claim_form", "admin", "/odoo/action-aftersales.aftersales_claim_action/{claim}", DESKTOP,
     ".o_form_view .o_field_one2many .o_data_row"),
    ("pricing_run", "admin", "/odoo/action-aftersales.aftersales_pricing_run_action/{pricing_run}", DESKTOP,
     ".o_form_view .o_field_one2many .o_data_row"),
    ("reserve_plan", "admin", "/odoo/action-aftersales.aftersales_reserve_plan_action/{reserve_plan}", DESKTOP,
     ".o_form_view .o_field_one2many .o_data_row"),
    ("stock_aging", "admin", "/odoo/action-aftersales.aftersales_stock_aging_report_action", DESKTOP,
     ".o_pivot table"),
    ("portal_home", "dealer.north", "/my", DESKTOP, ".o_portal_index_card:not(.d-none)"),
    ("portal_claims", "dealer.north", "/my/claims", DESKTOP, "table"),
    ("portal_parts", "dealer.north", "/my/parts", DESKTOP, "table"),
    ("portal_claims_phone", "dealer.north", "/my/claims", PHONE, "table"),
    ("portal_claim_phone", "dealer.north", "/my/claims/{portal_claim}", PHONE, ".o_aftersales_claim_amounts"),
    ("portal_statement_phone", "dealer.north", "/my/statements/{portal_statement}", PHONE, "#closing_balance"),
    # the same screens as a Chinese user reads them (the user's language set for the shot)
    ("claim_form_zh_CN", "admin", "/odoo/action-aftersales.aftersales_claim_action/{claim}", DESKTOP,
     ".o_form_view .o_field_one2many .o_data_row", "zh_CN"),
    ("reserve_plan_zh_CN", "admin", "/odoo/action-aftersales.aftersales_reserve_plan_action/{reserve_plan}",
     DESKTOP, ".o_form_view .o_field_one2many .o_data_row", "zh_CN"),
    ("portal_claims_phone_zh_TW", "dealer.north", "/my/claims", PHONE, "table", "zh_TW"),
    # service campaigns, replacement serials, life-cycle cost
    ("campaign_form", "admin", "/odoo/action-aftersales.aftersales_campaign_action/{campaign}", DESKTOP,
     ".o_form_view .o_field_widget[name='progress'] .o_progressbar"),
    ("portal_campaign_phone", "dealer.north", "/my/campaigns/{campaign}", PHONE, "table"),
    ("portal_machine_phone", "dealer.north", "/my/machines/{component_machine}", PHONE,
     ".o_aftersales_machine_components"),
    ("lifecycle_curve", "admin", "/odoo/action-aftersales.aftersales_lifecycle_year_report_action", DESKTOP,
     ".o_graph_renderer canvas"),
    ("improvement_plan", "admin", "/odoo/action-aftersales.aftersales_improvement_plan_action/{improvement_plan}",
     DESKTOP, ".o_form_view .o_field_one2many .o_data_row"),
    # training, outbound call lists, the department's documents and the knowledge base
    ("portal_training_phone", "dealer.north", "/my/training", PHONE, ".o_portal_wrap table"),
    ("portal_knowledge_phone", "dealer.north", "/my/knowledge/{kb_article}", PHONE, ".o_portal_wrap h2, .o_portal_wrap h3, .o_portal_wrap h4"),
    ("call_list", "admin", "/odoo/action-aftersales.aftersales_call_list_line_action_analysis", DESKTOP,
     ".o_pivot table"),
    ("department_document", "admin", "/odoo/action-aftersales.document_page_action_documents/{procedure}", DESKTOP,
     ".o_form_view .o_statusbar_status"),
    ("portal_audit_phone", "dealer.north", "/my/audits/{audit}", PHONE, ".o_aftersales_audit_page_score"),
    ("audit_trend", "admin", "/odoo/action-aftersales.aftersales_audit_action_trend", DESKTOP,
     ".o_graph_renderer canvas"),
    # a draw of the demo dealers' statements run as a background job (background_job_id)
    ("background_job", "admin", "/odoo/action-aftersales.aftersales_job_action/{background_job}", DESKTOP,
     ".o_form_view .o_field_widget[name='progress'] .o_progressbar"),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login(url, db, user):
    session = requests.Session()
    page = session.get(f"{url}/web/login", params={"db": db})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{url}/web/login", data={
        "login": user, "password": "admin" if user == "admin" else user, "db": db,
        "csrf_token": token, "redirect": "/web",
    })
    response.raise_for_status()
    if "session_id" not in session.cookies:
        raise SystemExit(f"Could not log in as {user}")
    return session.cookies["session_id"]


def record_ids(url, db):
    """Ids of the demo records the shots open, read over JSON-RPC as admin."""
    def search(model, domain, order="id"):
        payload = {"jsonrpc": "2.0", "method": "call", "params": {
            "service": "object", "method": "execute_kw",
            "args": [db, 2, "admin", model, "search", [domain], {"limit": 1, "order": order}]}}
        result = requests.post(f"{url}/jsonrpc", json=payload).json()
        if "error" in result:
            raise SystemExit(json.dumps(result["error"])[:500])
        return result["result"][0] if result["result"] else 0
    return {
        "machine": search("stock.lot", [("is_machine", "=", True), ("warranty_state", "=", "under_warranty")]),
        "claim": search("aftersales.claim", [("state", "=", "submitted")]),
        "pricing_run": search("aftersales.pricing.run", [], "id desc"),
        "reserve_plan": search("aftersales.reserve.plan", [], "id desc"),
        "portal_claim": search("aftersales.claim", [("dealer_id.child_ids.user_ids.login", "=", "dealer.north"), ("state", "=", "settled")], "id desc"),
        "campaign": search("aftersales.campaign", [("state", "=", "active")]),
        "component_machine": search("stock.lot", [("aftersales_component_ids", "!=", False)]),
        "improvement_plan": search("aftersales.improvement.plan", []),
        "kb_article": search("document.page", [("aftersales_kind", "=", "article"), ("is_released", "=", True)]),
        "call_list": search("aftersales.call.list", []),
        "procedure": search("document.page", [("aftersales_kind", "=", "document"), ("level", "=", "3"), ("is_released", "=", True)]),
        "audit": search("aftersales.audit", [("dealer_id.child_ids.user_ids.login", "=", "dealer.north"), ("state", "=", "done")], "id desc"),
        "portal_statement": search("aftersales.statement", [("dealer_id.child_ids.user_ids.login", "=", "dealer.north")], "id desc"),
    }


def execute(url, db, model, method, *args, **kwargs):
    payload = {"jsonrpc": "2.0", "method": "call", "params": {
        "service": "object", "method": "execute_kw", "args": [db, 2, "admin", model, method, list(args), kwargs]}}
    result = requests.post(f"{url}/jsonrpc", json=payload).json()
    if "error" in result:
        raise SystemExit(json.dumps(result["error"])[:500])
    return result["result"]


def background_job(url, db):
    """A background job to show: the demo dealers' statements of two months ago drawn in
    batches of one dealer (the system parameter set for the draw, then removed), run by the
    served database's scheduled actions; its id once it has ended."""
    execute(url, db, "ir.config_parameter", "set_param", "aftersales.job_batch_size", "1")
    try:
        today = date.today().replace(day=1)
        start = (today - timedelta(days=1)).replace(day=1)
        start = (start - timedelta(days=1)).replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        dealers = execute(url, db, "res.partner", "search", [("is_dealer", "=", True), ("is_company", "=", True)])
        wizard = execute(url, db, "aftersales.statement.generate", "create", {
            "dealer_ids": [(6, 0, dealers)], "date_from": str(start), "date_to": str(end)})
        action = execute(url, db, "aftersales.statement.generate", "action_generate", [wizard])
    finally:
        execute(url, db, "ir.config_parameter", "set_param", "aftersales.job_batch_size", False)
    job = action["params"]["next"]["res_id"]
    for _attempt in range(120):
        if execute(url, db, "aftersales.job", "read", [job], ["state"])[0]["state"] not in ("queued", "running"):
            return job
        time.sleep(1)
    raise SystemExit("the background job did not end within 2 minutes: does the server run crons?")


def set_language(url, db, user, lang):
    """Give ``user`` the language ``lang`` (installed first if needed, through Odoo's language
    wizard); returns the language the user had."""
    inactive = execute(url, db, "res.lang", "search", [("code", "=", lang), ("active", "=", False)],
                       context={"active_test": False})
    if inactive:
        wizard = execute(url, db, "base.language.install", "create", {"lang_ids": [(6, 0, inactive)]})
        execute(url, db, "base.language.install", "lang_install", [wizard])
    user_id = execute(url, db, "res.users", "search", [("login", "=", user)])
    before = execute(url, db, "res.users", "read", user_id, ["lang"])[0]["lang"]
    execute(url, db, "res.users", "write", user_id, {"lang": lang})
    return before


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="aftersales-shots-")
        self.port = free_port()
        chrome = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        self.process = subprocess.Popen([
            chrome, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", f"--remote-debugging-port={self.port}",
            f"--user-data-dir={self.profile}", "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{self.port}/json").json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.1)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.counter = 0

    def call(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, selector, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            found = self.call("Runtime.evaluate", expression=f"!!document.querySelector({json.dumps(selector)})")
            if found.get("result", {}).get("value"):
                return
            time.sleep(0.25)
        raise RuntimeError(f"{selector} did not appear")

    def shot(self, url, session_id, size, selector, path):
        width, height = size
        self.call("Network.enable")
        self.call("Network.clearBrowserCookies")
        self.call("Network.setCookie", name="session_id", value=session_id, url=url)
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=size == PHONE)
        self.call("Page.enable")
        self.call("Page.navigate", url=url)
        self.wait_for(selector)
        time.sleep(1.5)  # fonts, counters and animations settle
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="aftersales")
    parser.add_argument("--only", nargs="*", help="names of the shots to take (default: all)")
    args = parser.parse_args()
    ids = record_ids(args.url, args.db)
    if not args.only or "background_job" in args.only:
        ids["background_job"] = background_job(args.url, args.db)
    sessions = {}
    browser = Browser()
    try:
        for name, user, path, size, selector, *lang in SHOTS:
            if args.only and name not in args.only:
                continue
            target = os.path.join(ROOT, "static", "description", f"{name}.png")
            before = set_language(args.url, args.db, user, lang[0]) if lang else None
            try:
                # a session per user and language: the portal keeps the language of the login
                key = (user, lang[0] if lang else None)
                if key not in sessions:
                    sessions[key] = login(args.url, args.db, user)
                browser.shot(args.url + path.format(**ids), sessions[key], size, selector, target)
            finally:
                if before:
                    set_language(args.url, args.db, user, before)
            print(f"{name}: {target}")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
