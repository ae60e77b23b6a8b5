#!/usr/bin/env python3
"""Payung in a real browser: every listed page of every role at 360 px and
1280 px, and one journey done by clicking.

Run against a demo server (`payung demo`, then `payung serve`):

    python3 Tests/Browser/browser_suite.py --base http://127.0.0.1:8080 \
        --screenshots .build/browser-screenshots

Needs Debian's chromium and chromium-driver and selenium (PyPI). For each
page and width it checks:
  - no horizontal scroll of the page (the widest offending element is named);
  - no code-like text as main visible text (region codes, snake_case words,
    dotted action codes, English status words); secondary text in <small>,
    <code>, .muted, .code, [data-code], form values and the footer is allowed
    (docs/UI.md);
  - no console errors (the server's Content-Security-Policy turns any
    inline script or style into one);
  - no server error page;
  - on the proposal list at 360 px, each card's status badge and action
    button lie inside the screen.
Screenshots: <dir>/<role>-<page>-<width>.png. Exit status 1 on any failure.
"""
import argparse
import json
import random
import re
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "payung-demo"
WIDTHS = (360, 1280)

# Pages per role: a path, or a (name, callable) that finds the path by
# following links from a page (ids differ per demo database).
COMMON = ["/", "/usulan", "/cek-nik", "/wilayah", "/wilayah/33.75", "/akun"]
# A program's money, from the first program card (the running year's): its
# bills, one bill, payments, arrears and lapses, budget absorption.
MONEY_PAGES = [
    ("bills", "/program", "a.card[href^='/program/']", "/tagihan"),
    ("bill", ("bills", "/program", "a.card[href^='/program/']", "/tagihan"), "table a[href*='/tagihan/']"),
    ("payments", "/program", "a.card[href^='/program/']", "/pembayaran"),
    ("arrears", "/program", "a.card[href^='/program/']", "/tunggakan"),
    ("absorption", "/program", "a.card[href^='/program/']", "/serapan"),
    ("dashboard", "/program", "a.card[href^='/program/']", "/dasbor"),
    ("participant-months", ("arrears", "/program", "a.card[href^='/program/']", "/tunggakan"), "table a[href*='/tunggakan/']"),
]
# Pages that exist only when the demo's data says so on the day it runs: a
# participant's months are linked from the arrears page only while someone
# is in arrears or lapsed (the demo's donor stops paying after July).
OPTIONAL_PAGES = {"participant-months"}
# Claims: the list, the stuck cases, the report form, one case (the newest).
CLAIM_PAGES = ["/klaim", "/klaim?tertahan=1", ("claim", "/klaim", "table a[href^='/klaim/']")]
CLAIM_REPORT = ["/klaim/lapor"]
ROLE_PAGES = {
    "rt.pekalongan": COMMON + ["/usulan/baru", "/usulan?status=returned", ("proposal", "/usulan", "table.queue td.who a")] + CLAIM_REPORT,
    "kelurahan.pekalongan": COMMON + ["/usulan?status=submitted", ("proposal", "/usulan", "table.queue td.who a")] + ["/klaim"] + CLAIM_REPORT,
    "kecamatan.pekalongan": COMMON + ["/usulan?status=verified_kelurahan", ("proposal", "/usulan", "table.queue td.who a")],
    "operator.pekalongan": COMMON + ["/program", "/impor", "/usulan?status=verified_kecamatan", "/anggaran",
                                     "/anggaran?workers=3000&months=12&premium=16800&budget=604000000",
                                     ("program", "/program", "a.card[href^='/program/']"),
                                     ("coverage", "/program", "a.card[href^='/program/']", "/cakupan"),
                                     "/penyandang-dana", ("sponsor", "/penyandang-dana", "table a[href^='/penyandang-dana/']"),
                                     ("proposal", "/usulan", "table.queue td.who a")] + MONEY_PAGES + [
                                     ("reconciliations", "/program", "a.card[href^='/program/']", "/rekonsiliasi")] + CLAIM_PAGES + CLAIM_REPORT,
    "kadis.pekalongan": COMMON + ["/program", ("program", "/program", "a.card[href^='/program/']")] + MONEY_PAGES + CLAIM_PAGES,
    "bpjs.pekalongan": COMMON + ["/usulan?status=approved", ("proposal", "/usulan?status=approved", "table.queue td.who a"),
                                 ("reconciliations", "/program", "a.card[href^='/program/']", "/rekonsiliasi")] + CLAIM_PAGES + [
                                 ("claim-submitted", "/klaim?status=submitted", "table a[href^='/klaim/']")],
    "sponsor.pekalongan": ["/", "/program", "/akun", "/penyandang-dana", "/klaim",
                           ("statement", "/penyandang-dana", "table a[href^='/penyandang-dana/']"),
                           ("absorption", ("statement", "/penyandang-dana", "table a[href^='/penyandang-dana/']"), "a[href$='/serapan']")],
    "admin.pekalongan": COMMON + ["/admin/pengguna", "/admin/pekerjaan", "/admin/pengguna/impor", "/admin/tarif",
                                  ("user", "/admin/pengguna", "table a[href^='/admin/pengguna/']")],
    "auditor.pekalongan": ["/", "/audit", "/akun"],
    "operator.jambi": ["/", "/usulan", "/program"],
}
ANONYMOUS_PAGES = ["/", "/masuk", "/aktivasi", "/wilayah", "/halaman-yang-tidak-ada"]

CODE_PATTERNS = [
    # Not a time of day ("08.00 WIB", PUEBI).
    ("region code", re.compile(r"\b\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?\b(?!\s*WIB)")),
    ("snake_case code", re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")),
    ("dotted code", re.compile(r"\b(?:session|proposal|user|token|audit|program|import|export|document|coverage|worker|occupation)\.[a-z_]+\b")),
    ("English word", re.compile(r"\b(?:submitted|approved|rejected|returned|verified|registered|pending|other|draft|active|ended|unfunded)\b")),
]

# Visible text with the secondary parts removed (docs/UI.md: codes only in
# <small>, <code>, .muted, .code, [data-code]); the footer and form values
# are not main text.
VISIBLE_TEXT_JS = """
const clone = document.body.cloneNode(true);
clone.querySelectorAll('small, code, .muted, .code, [data-code], footer, script, style, input, textarea, noscript, [hidden]')
  .forEach(e => e.remove());
return clone.innerText;
"""

OVERFLOW_JS = """
const width = window.innerWidth;
const over = document.documentElement.scrollWidth;
let worst = null, worstRight = width;
if (over > width + 1) {
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.right > worstRight + 1) { worstRight = r.right; worst = e; }
  }
}
const describe = e => e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') : '';
return {scrollWidth: over, innerWidth: width, widest: describe(worst), right: Math.round(worstRight)};
"""

CARDS_JS = """
const width = window.innerWidth, problems = [];
document.querySelectorAll('table.queue tbody tr').forEach((tr, i) => {
  if (i >= 8) return;
  const badge = tr.querySelector('.badge'), action = tr.querySelector('td.act button, td.act a');
  if (!badge) { problems.push('row ' + (i + 1) + ': no status badge'); return; }
  const b = badge.getBoundingClientRect();
  if (b.width === 0 || b.right > width + 1 || b.left < -1) problems.push('row ' + (i + 1) + ': status outside the screen');
  if (action) {
    const a = action.getBoundingClientRect();
    if (a.width === 0 || a.right > width + 1) problems.push('row ' + (i + 1) + ': action outside the screen');
  }
});
return problems;
"""


class Suite:
    def __init__(self, base, screenshots, chromedriver, verbose):
        self.base = base.rstrip("/")
        self.screenshots = screenshots
        self.chromedriver = chromedriver
        self.verbose = verbose
        self.failures = []
        self.checked = 0

    # Browser

    def browser(self):
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                    "--lang=id-ID"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(self.chromedriver), options=options)
        driver.set_page_load_timeout(30)
        return driver

    def width(self, driver, width):
        if width < 500:
            # Headless Chromium will not make a window narrower than 500 px: emulate the phone.
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": 740, "deviceScaleFactor": 1, "mobile": True})
        else:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.set_window_size(width, 900)

    def login(self, driver, username):
        driver.delete_all_cookies()
        driver.get(self.base + "/masuk")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(driver, 10).until(lambda d: "/masuk" not in urllib.parse.urlparse(d.current_url).path)
        driver.get_log("browser")  # start each account with a clean console

    # Checks

    def fail(self, where, problem):
        self.failures.append(f"{where}: {problem}")
        print(f"  FAIL {where}: {problem}", flush=True)

    def check_page(self, driver, role, name, path, width, expect_error=False):
        where = f"{role} {path} @{width}px"
        self.width(driver, width)
        driver.get(self.base + path)
        self.checked += 1
        title = driver.title
        heading = driver.find_element(By.TAG_NAME, "h1").text if driver.find_elements(By.TAG_NAME, "h1") else ""
        error_headings = ("Terjadi kesalahan", "Tidak diizinkan", "Permintaan tidak dapat diproses", "Tidak ditemukan", "Terlalu banyak")
        if not expect_error and any(h in heading for h in error_headings):
            self.fail(where, f"error page: {heading}")
        overflow = driver.execute_script(OVERFLOW_JS)
        if overflow["scrollWidth"] > overflow["innerWidth"] + 1:
            self.fail(where, f"page scrolls sideways ({overflow['scrollWidth']} px > {overflow['innerWidth']} px), widest: "
                             f"{overflow['widest']} to {overflow['right']} px")
        text = driver.execute_script(VISIBLE_TEXT_JS)
        for label, pattern in CODE_PATTERNS:
            found = sorted(set(m.group(0) for m in pattern.finditer(text)))
            if found:
                self.fail(where, f"{label} as main text: {', '.join(found[:6])}")
        errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"
                  and not (expect_error and "404" in e["message"])]
        if errors:
            self.fail(where, "console errors: " + " | ".join(errors[:3]))
        if width < 500 and path.startswith("/usulan") and "/usulan/" not in path.replace("/usulan?", ""):
            for problem in driver.execute_script(CARDS_JS):
                self.fail(where, problem)
        self.screenshot(driver, role, name, width)

    def screenshot(self, driver, role, name, width):
        if not self.screenshots:
            return
        height = min(driver.execute_script("return document.documentElement.scrollHeight"), 6000)
        file = f"{self.screenshots}/{role}-{name}-{width}.png"
        if width < 500:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": max(height, 740), "deviceScaleFactor": 1, "mobile": True})
            driver.save_screenshot(file)
            self.width(driver, width)
        else:
            driver.set_window_size(width, max(height, 900))
            driver.save_screenshot(file)
            driver.set_window_size(width, 900)

    def resolve(self, driver, spec):
        """A (name, from, selector[, suffix]) spec: the first link's path.
        `from` may itself be a spec, resolved first."""
        name, start, selector = spec[0], spec[1], spec[2]
        if isinstance(start, tuple):
            start = self.resolve(driver, start)[1]
            if start is None:
                return name, None
        suffix = spec[3] if len(spec) > 3 else ""
        self.width(driver, 1280)
        driver.get(self.base + start)
        links = driver.find_elements(By.CSS_SELECTOR, selector)
        if not links:
            return name, None
        return name, urllib.parse.urlparse(links[0].get_attribute("href")).path + suffix

    @staticmethod
    def slug(path):
        return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "beranda"

    def run_pages(self):
        driver = self.browser()
        try:
            for role, pages in ROLE_PAGES.items():
                print(f"{role}", flush=True)
                self.login(driver, role)
                for page in pages:
                    if isinstance(page, tuple):
                        name, path = self.resolve(driver, page)
                        if path is None:
                            if page[0] in OPTIONAL_PAGES:
                                print(f"  skipped {page[0]}: the demo has no {page[2]} today", flush=True)
                            else:
                                self.fail(f"{role} {page[1]}", f"no link {page[2]} to follow")
                            continue
                    else:
                        name, path = self.slug(page), page
                    for width in WIDTHS:
                        self.check_page(driver, role.split(".")[0] + ("-jambi" if "jambi" in role else ""), name, path, width)
            print("anonymous", flush=True)
            driver.delete_all_cookies()
            for path in ANONYMOUS_PAGES:
                for width in WIDTHS:
                    self.check_page(driver, "anonim", self.slug(path), path, width, expect_error="tidak-ada" in path)
        finally:
            driver.quit()

    # The journey

    def journey(self):
        """RT proposes, kelurahan and kecamatan verify, the operator
        approves, BPJS registers, the RT head reports an accident: every
        step by clicking."""
        print("journey", flush=True)
        driver = self.browser()
        serial = random.randint(1000, 9999)
        nik = f"337501550685{serial}"  # a woman born 15 June 1985 in Pekalongan Barat
        name = f"Uji Perjalanan {serial}"
        try:
            # 1. The RT head, on a phone.
            self.login(driver, "rt.pekalongan")
            self.width(driver, 360)
            driver.get(self.base + "/usulan/baru")
            driver.find_element(By.ID, "nik").send_keys(nik)
            driver.find_element(By.ID, "name").send_keys(name)
            Select(driver.find_element(By.ID, "occupation")).select_by_index(1)
            driver.find_element(By.ID, "heirName").send_keys("Ahli Waris Uji")
            driver.find_element(By.CSS_SELECTOR, "button[name=submit][value='1']").click()
            if driver.find_elements(By.NAME, "confirmWarnings") and "/usulan/baru" in driver.current_url:
                box = driver.find_element(By.NAME, "confirmWarnings")
                if not box.is_selected():
                    box.click()
                driver.find_element(By.CSS_SELECTOR, "button[name=submit][value='1']").click()
            WebDriverWait(driver, 10).until(lambda d: re.search(r"/usulan/[0-9A-Fa-f-]{36}", d.current_url))
            proposal = urllib.parse.urlparse(driver.current_url).path
            self.expect_status(driver, "RT proposes", "Diajukan")
            self.screenshot(driver, "perjalanan", "1-rt-mengusulkan", 360)

            # 2-3. Kelurahan and kecamatan verify from their queues, one click each.
            for username, status, step in (("kelurahan.pekalongan", "submitted", "2-kelurahan"),
                                           ("kecamatan.pekalongan", "verified_kelurahan", "3-kecamatan")):
                self.login(driver, username)
                self.width(driver, 1280)
                driver.get(self.base + "/usulan?status=" + status + "&q=" + urllib.parse.quote(name))
                row = self.row_of(driver, name)
                if row is None:
                    self.fail(f"journey {username}", f"{name} not in the queue")
                    return
                row.find_element(By.CSS_SELECTOR, "td.act button").click()
                WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.ID, "outcome-title")))
                outcome = driver.find_element(By.ID, "outcome-title").text
                if "1 berhasil diverifikasi" not in outcome:
                    self.fail(f"journey {username}", f"verify said: {outcome}")
                self.screenshot(driver, "perjalanan", step, 1280)

            # 4. The operator approves on the proposal's page.
            self.login(driver, "operator.pekalongan")
            self.width(driver, 1280)
            driver.get(self.base + proposal)
            for box in driver.find_elements(By.NAME, "confirmMissingDocuments"):
                if not box.is_selected():
                    box.click()
            driver.find_element(By.XPATH, "//form[.//input[@name='action' and @value='approve']]//button").click()
            self.expect_status(driver, "operator approves", "Disetujui")
            self.screenshot(driver, "perjalanan", "4-operator", 1280)

            # 5. BPJS records the registration.
            self.login(driver, "bpjs.pekalongan")
            self.width(driver, 1280)
            driver.get(self.base + proposal)
            driver.find_element(By.ID, "kpj").send_keys(f"9{random.randint(10**9, 10**10 - 1)}")
            start = driver.execute_script("return new Date().toISOString().slice(0, 10)")
            driver.execute_script("document.getElementById('startDate').value = arguments[0]", start)
            driver.find_element(By.XPATH, "//form[.//input[@name='action' and @value='register']]//button").click()
            self.expect_status(driver, "BPJS registers", "Terdaftar di BPJS")
            self.screenshot(driver, "perjalanan", "5-bpjs", 1280)

            # 6. The RT head reports a work accident of the new participant, on a phone.
            self.login(driver, "rt.pekalongan")
            self.width(driver, 360)
            driver.get(self.base + "/klaim/lapor")
            driver.find_element(By.ID, "q").send_keys(name)
            driver.find_element(By.XPATH, "//form[@action='/klaim/lapor/cari']//button").click()
            WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.NAME, "proposalID")))
            Select(driver.find_element(By.ID, "kind")).select_by_value("work_accident")
            driver.execute_script("document.getElementById('eventDate').value = arguments[0]", start)
            driver.find_element(By.ID, "place").send_keys("Pasar Banjarsari")
            driver.find_element(By.ID, "account").send_keys("Terpeleset saat mengangkat karung kain batik.")
            driver.find_element(By.XPATH, "//form[@action='/klaim/lapor']//button").click()
            WebDriverWait(driver, 10).until(lambda d: re.search(r"/klaim/[0-9A-Fa-f-]{36}", d.current_url))
            text = driver.find_element(By.TAG_NAME, "main").text
            for words in ("Dilaporkan", "Dugaan kecelakaan kerja", "Pemeriksaan kepesertaan", name):
                if words not in text:
                    self.fail("journey RT reports", f"the case page lacks {words!r}")
            self.screenshot(driver, "perjalanan", "6-rt-melapor", 360)
        except (TimeoutException, NoSuchElementException) as error:
            self.fail("journey", f"stopped at {driver.current_url}: {error.__class__.__name__} {str(error).splitlines()[0] if str(error) else ''}")
            self.screenshot(driver, "perjalanan", "gagal", 1280)
        finally:
            driver.quit()

    def row_of(self, driver, name):
        for row in driver.find_elements(By.CSS_SELECTOR, "table.queue tbody tr"):
            if name in row.text:
                return row
        return None

    @staticmethod
    def badge_texts(driver):
        """The badges' texts; empty while the page is being replaced (a form's redirect)."""
        try:
            return [b.text for b in driver.find_elements(By.CSS_SELECTOR, "main .badge")]
        except StaleElementReferenceException:
            return []

    def expect_status(self, driver, step, status):
        try:
            WebDriverWait(driver, 10).until(lambda d: status in self.badge_texts(d))
        except TimeoutException:
            pass
        badges = self.badge_texts(driver)
        if status not in badges:
            alert = " ".join(a.text for a in driver.find_elements(By.CSS_SELECTOR, ".alert-error"))
            self.fail(f"journey: {step}", f"status {badges[:1]} instead of {status} {alert}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--screenshots", default="")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--only", choices=["pages", "journey"], default=None)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.screenshots:
        import os
        os.makedirs(args.screenshots, exist_ok=True)
    suite = Suite(args.base, args.screenshots, args.chromedriver, args.verbose)
    started = time.time()
    if args.only in (None, "pages"):
        suite.run_pages()
    if args.only in (None, "journey"):
        suite.journey()
    elapsed = time.time() - started
    print(f"\n{suite.checked} page views checked at {', '.join(str(w) for w in WIDTHS)} px, journey "
          f"{'run' if args.only != 'pages' else 'skipped'}, {len(suite.failures)} failures, {elapsed:.0f} s.")
    if args.screenshots:
        print(f"Screenshots: {args.screenshots}")
    if suite.failures:
        print("\nFailures:")
        for failure in suite.failures:
            print("  - " + failure)
        sys.exit(1)


if __name__ == "__main__":
    main()
