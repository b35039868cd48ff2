#!/usr/bin/env python3
"""Drives the web console in a real Chromium through chromedriver (Debian's packages) with
Selenium (PyPI), against a server the Swift test started on a real PostgreSQL.

    console.py STAGE JSON

STAGE is one person's visit (applicant, institution, reviewer, committee, ballot, bureau, holder, operator, sittings,
invigilator); JSON holds what the test set up
for it. Every page visited is checked for accessibility basics (a language, one h1, a label on
every input, a name on every button) and saved as a screenshot under $CONSOLE_SHOTS (with a small
copy under small/), checked not to be blank. The last line printed is a JSON object of what the
stage found. Exits non-zero, saying why, on the first failure.
"""
import json
import os
import re
import subprocess
import sys
import time

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["CONSOLE_BASE"]
SHOTS = os.environ["CONSOLE_SHOTS"]
STYLESHEET = os.environ.get("CONSOLE_STYLESHEET", "Sources/AssessmentAPI/Console/Assets/console.css")


def browser(width=1280, height=900, phone=False):
    options = webdriver.ChromeOptions()
    if phone:
        # A phone's viewport: a desktop window cannot be made this narrow.
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}})
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(argument)
    # A reader in Shanghai: the browser asks for Chinese first, English after.
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh,en"})
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def fail(message):
    print(f"console.py: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def check_page(driver, name):
    """Accessibility basics every page keeps."""
    source = driver.page_source
    expect(">nil<" not in source and "Optional(" not in source and "{{" not in source, f"{name}: a template value leaked: {source[:300]}")
    lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    expect(lang in ("zh-CN", "en"), f"{name}: the page names no language ({lang!r})")
    headings = driver.find_elements(By.TAG_NAME, "h1")
    expect(len(headings) == 1 and headings[0].text.strip(), f"{name}: a page has one non-empty h1, found {len(headings)}")
    for field in driver.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
        if field.get_attribute("type") == "hidden":
            continue
        ident = field.get_attribute("id")
        labelled = (field.get_attribute("aria-label")
                    or (ident and driver.find_elements(By.CSS_SELECTOR, f'label[for="{ident}"]'))
                    or field.find_elements(By.XPATH, "ancestor::label"))
        expect(labelled, f"{name}: an input without a label: {field.get_attribute('outerHTML')[:160]}")
    for button in driver.find_elements(By.TAG_NAME, "button"):
        expect(button.text.strip() or button.get_attribute("aria-label"), f"{name}: a button without a name")


def shot(driver, name):
    """Saves the page as a PNG and a small copy, and fails when the picture is blank."""
    check_page(driver, name)
    os.makedirs(os.path.join(SHOTS, "small"), exist_ok=True)
    path = os.path.join(SHOTS, f"{name}.png")
    expect(driver.save_screenshot(path), f"{name}: no screenshot")
    image = Image.open(path).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    expect(colours is None or len(colours) > 16, f"{name}: the screenshot is blank ({len(colours or [])} colours)")
    small = image.copy()
    small.thumbnail((640, 640))
    small.convert("P", palette=Image.ADAPTIVE, colors=64).save(os.path.join(SHOTS, "small", f"{name}.png"), optimize=True)
    return path


def visit(driver, path, name=None):
    driver.get(BASE + path)
    if name:
        shot(driver, name)


def fill(driver, values):
    for ident, value in values.items():
        field = driver.find_element(By.ID, ident)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        elif field.get_attribute("type") in ("date", "time"):
            # Typing into a date or time input follows the browser's locale; the value itself does not.
            driver.execute_script("arguments[0].value = arguments[1]", field, value)
        else:
            field.clear()
            field.send_keys(value)


def click(driver, element):
    """Clicks what loads a new page, and waits until the old one is gone."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def gone(_):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            # Chrome sometimes reports a node of a page restored from its back-forward cache this way.
            if "does not belong to the document" in str(error):
                return True
            raise

    WebDriverWait(driver, 60).until(gone)


def submit(driver, form):
    click(driver, driver.find_element(By.CSS_SELECTOR, f"#{form} button[type=submit]"))


def flash(driver):
    """The page's acknowledgement of the form just sent; fails with the page's own words when there is none."""
    found = driver.find_elements(By.CLASS_NAME, "flash")
    expect(found, f"no acknowledgement at {path(driver)}: {driver.find_element(By.TAG_NAME, 'main').text[:400]}")
    return found[0].text


def path(driver):
    return driver.current_url[len(BASE):]


def contrast(first, second):
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_contrast():
    """Every text colour of the stylesheet against every background it is drawn on: WCAG AA."""
    with open(STYLESHEET, encoding="utf-8") as file:
        colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", file.read()))
    pairs = [("text", "background"), ("text", "surface"), ("muted", "background"), ("muted", "surface"),
             ("accent", "background"), ("accent", "surface"), ("on-accent", "accent"), ("on-accent", "danger"),
             ("ok-text", "ok-background"), ("bad-text", "bad-background"), ("danger", "background")]
    ratios = {}
    for text, background in pairs:
        ratio = contrast(colours[text], colours[background])
        expect(ratio >= 4.5, f"--{text} on --{background} has contrast {ratio:.2f}, below WCAG AA's 4.5")
        ratios[f"{text}/{background}"] = round(ratio, 2)
    return ratios


def applicant(args):
    driver = browser()
    try:
        visit(driver, "/console", "home")
        expect("核验证书" in driver.page_source, "the home page is Chinese first")
        click(driver, driver.find_element(By.ID, "switch-language"))
        expect("Verify a certificate" in driver.page_source, "the language switch shows English")
        shot(driver, "home-en")
        click(driver, driver.find_element(By.ID, "switch-language"))
        expect("核验证书" in driver.page_source, "and back to Chinese")
        visit(driver, "/console/register", "register")
        fill(driver, {"name": args["name"], "kind": "resident_id", "number": args["document"], "birthDate": args["birthDate"],
                      "education": "bachelor", "password": args["password"]})
        # Each consent on its own box, as the law asks; the notice itself opens in place.
        for name in ("consentRead", "consentSensitive", "consentSharing"):
            box = driver.find_element(By.NAME, name)
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
            box.click()
            expect(box.is_selected(), f"the {name} box is ticked")
        submit(driver, "register")
        expect(path(driver) == "/console/me", f"registered, the applicant lands on their page, not {path(driver)}")
        expect(args["name"] in driver.find_element(By.ID, "profile-name").text, "their name is on their profile")
        # What they hold and where they worked, before applying: an application keeps the record it was filed with.
        click(driver, driver.find_element(By.ID, "edit-record"))
        fill(driver, {"work-0-employer": "上海某文化传媒有限公司", "work-0-start": "2015-07-01"})
        shot(driver, "record")
        submit(driver, "record-form")
        expect("档案已保存" in flash(driver), "the record is saved")
        expect("上海某文化传媒有限公司" in driver.page_source, "and shown on the profile")
        fill(driver, {"round": "9999999", "grade": "2", "series": "cultural_relics_museums"})
        submit(driver, "apply")
        expect("没有编号为9999999的评审轮次" in driver.page_source, f"an unknown round is refused in Chinese: {driver.page_source[:400]}")
        shot(driver, "refusal")
        visit(driver, "/console/me")
        fill(driver, {"round": str(args["round"]), "grade": "2", "series": "cultural_relics_museums"})
        submit(driver, "apply")
        match = re.fullmatch(r"/console/applications/(\d+)", path(driver))
        expect(match, f"applied, the applicant sees the application, not {path(driver)}")
        current = driver.find_element(By.CSS_SELECTOR, "#timeline li[aria-current=step]").text
        # The eligibility check is a job of its own and may already have run.
        expect(current in ("已提交", "资格审核通过", "不符合申报条件"), f"the timeline marks the current stage: {current}")
        shot(driver, "application")
        visit(driver, "/console/me", "me")
        expect(match.group(1) in driver.find_element(By.ID, "applications").text, "the application is listed")
        visit(driver, f"/console/applications/{match.group(1)}/materials")
        fill(driver, {"works-0-url": "https://www.bilibili.com/video/BV1xx", "works-0-title": "城市夜色", "works-0-platform": "bilibili",
                      "works-0-published": "2026-05-01", "works-0-views": "1200000"})
        driver.find_element(By.NAME, "signPledge").click()
        submit(driver, "materials-form")
        expect("材料已保存" in flash(driver), "the materials are saved")
        picture = os.path.join(SHOTS, "work.png")
        Image.new("RGB", (64, 48), (200, 30, 30)).save(picture)
        driver.find_element(By.ID, "file").send_keys(os.path.abspath(picture))
        Select(driver.find_element(By.ID, "purpose")).select_by_value("representative_work")
        submit(driver, "upload-form")
        expect("文件已上传" in flash(driver), "the file is uploaded")
        expect("work.png" in driver.page_source, "and listed")
        shot(driver, "materials")
    finally:
        driver.quit()
    phone = browser(phone=True)
    try:
        visit(phone, "/console", "home-phone")
        width, viewport = phone.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        expect(viewport <= 400 and width <= viewport, f"the home page fits a phone's {viewport}px without scrolling sideways ({width}px)")
    finally:
        phone.quit()
    return {"application": int(match.group(1)), "contrast": check_contrast()}


def sign_in_with_token(driver, token):
    visit(driver, "/console/sign-in", "sign-in")
    fill(driver, {"token": token})
    submit(driver, "staff-sign-in")


def institution(args):
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        expect(path(driver) == "/console/institution", f"an institution lands on its rounds, not {path(driver)}")
        shot(driver, "institution")
        click(driver, driver.find_element(By.ID, f"round-{args['round']}"))
        expect(driver.find_element(By.ID, "total").text == "1", "the round's progress counts the application")
        expect(driver.find_elements(By.CSS_SELECTOR, "#progress svg rect.bar"), "the progress is drawn as a chart")
        shot(driver, "round")
        click(driver, driver.find_element(By.ID, f"dossier-{args['application']}"))
        expect("城市夜色" in driver.page_source and "work.png" in driver.page_source, "the dossier shows the works and their files")
        expect("上海某文化传媒有限公司" in driver.page_source, "and the work history declared")
        shot(driver, "dossier")
        visit(driver, f"/console/rounds/{args['round']}")
        click(driver, driver.find_element(By.CSS_SELECTOR, f"#accept-{args['application']} button"))
        expect("形式审查结论已记录" in flash(driver), "the formal check is acknowledged")
        expect(not driver.find_elements(By.ID, f"accept-{args['application']}"), "the application no longer awaits its check")
    finally:
        driver.quit()
    return {"checked": args["application"]}


def reviewer(args):
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        expect(path(driver) == "/console/reviews", f"a reviewer lands on their cases, not {path(driver)}")
        expect("王" not in driver.page_source, "the cases are blind")
        shot(driver, "reviews")
        click(driver, driver.find_element(By.ID, f"case-{args['application']}"))
        expect("城市夜色" in driver.find_element(By.ID, "works").text, "the case shows the works it is judged by")
        expect(driver.find_elements(By.CSS_SELECTOR, "a[href*='/files/']"), "and the file of the work")
        expect("王" not in driver.page_source, "the case is blind")
        fill(driver, {"score": "101"})
        # The page states the range, so the browser stops 101 before it is sent; the server's own
        # check is tested over HTTP.
        score = driver.find_element(By.ID, "score")
        expect(not driver.execute_script("return arguments[0].checkValidity()", score), "the form refuses a score of 101")
        fill(driver, {"score": "85.5", "comment": "作品选题扎实，传播效果好。"})
        shot(driver, "review")
        submit(driver, "score-form")
        expect("评分已提交" in flash(driver), "the score is acknowledged")
        expect(driver.find_elements(By.ID, "no-cases"), "the scored case leaves the list")
    finally:
        driver.quit()
    return {"scored": args["application"]}


def committee(args):
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        visit(driver, "/console/experts")
        fill(driver, {"expert-id": "r5", "expert-name": "五号专家", "expert-grade": "5", "expert-employer": "上海博物馆"})
        driver.find_element(By.CSS_SELECTOR, "input[name='fields'][value='cultural_relics_museums']").click()
        submit(driver, "expert-form")
        expect("专家已录入" in flash(driver), "the expert is filed")
        expect("五号专家" in driver.find_element(By.ID, "experts").text, "and listed")
        shot(driver, "experts")
        visit(driver, "/console/institution")
        fill(driver, {"round-name": "2027 文物博物系列职称评审", "round-field": "cultural_relics_museums"})
        submit(driver, "round-form")
        expect("评审轮次已开启" in flash(driver), "a round opens from the form")
        visit(driver, f"/console/rounds/{args['round']}")
        fill(driver, {"seed": "7"})
        submit(driver, "draw-form")
        expect("评审委员会已抽取" in flash(driver), "the committee is drawn")
        submit(driver, "meeting-form")
        expect("会议已召开" in flash(driver), "the meeting is open")
        match = re.fullmatch(r"/console/committee-meetings/(\d+)\?done=opened", path(driver))
        expect(match, f"the meeting's page follows, not {path(driver)}")
        shot(driver, "meeting")
    finally:
        driver.quit()
    return {"meeting": int(match.group(1))}


def ballot(args):
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        visit(driver, "/console/meetings", "meetings")
        click(driver, driver.find_element(By.ID, f"meeting-{args['meeting']}"))
        driver.find_element(By.CSS_SELECTOR, f"input[name='ballot.{args['application']}'][value='yes']").click()
        shot(driver, "ballot")
        submit(driver, "ballot-form")
        expect("表决票已提交" in flash(driver), "the sheet is cast")
        expect(driver.find_elements(By.ID, "no-meetings"), "the vote closed with the last sheet")
    finally:
        driver.quit()
    return {"cast": args["meeting"]}


def bureau(args):
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        expect(path(driver) == "/console/bureau", f"the bureau lands on its rounds, not {path(driver)}")
        shot(driver, "bureau")
        click(driver, driver.find_element(By.ID, f"confirm-{args['round']}"))
        expect("已确认评审结果" in flash(driver), "the confirmation is acknowledged")
        expect(not driver.find_elements(By.ID, f"confirm-{args['round']}"), "the round no longer waits")
        shot(driver, "bureau-confirmed")
        visit(driver, f"/console/rounds/{args['round']}/statistics", "statistics")
        expect(driver.find_elements(By.ID, "export-xlsx"), "a confirmed round's results export")
        expect("100.0%" in driver.find_element(By.ID, "groups").text, "the pass rate of the one decided case")
    finally:
        driver.quit()
    return {"confirmed": args["round"]}


def holder(args):
    driver = browser()
    try:
        visit(driver, "/console/sign-in")
        fill(driver, {"kind": "resident_id", "number": args["document"], "password": args["password"]})
        submit(driver, "applicant-sign-in")
        expect(path(driver) == "/console/me", f"signed in, the applicant lands on their page, not {path(driver)}")
        expect("通过" in driver.find_element(By.ID, "applications").text, "the result shows as passed")
        visit(driver, f"/console/applications/{args['application']}", "application-passed")
        click(driver, driver.find_element(By.ID, "certificate-link"))
        picture = shot(driver, "certificate")
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", picture], capture_output=True, text=True)
        expect(decoded.returncode == 0, f"zbarimg finds no QR code in the certificate page: {decoded.stderr}")
        target = decoded.stdout.strip()
        expect(target.startswith(BASE + "/console/verify?"), f"the QR code links to the public check: {target}")
    finally:
        driver.quit()
    anyone = browser()
    try:
        anyone.get(target)
        shot(anyone, "verify")
        status = anyone.find_element(By.ID, "certificate-status").text
        expect("有效" in status, f"the scanned certificate checks as valid: {status}")
        expect("核验通过" in anyone.find_element(By.ID, "signature-check").text, "and its signature verifies")
        expect("*" in anyone.find_element(By.ID, "holder").text, "the public sees the holder's name masked")
    finally:
        anyone.quit()
    return {"verified": target}


def operator(args):
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        visit(driver, "/ops", "ops")
        leader = driver.find_element(By.ID, "leader").text
        expect("console-coordinator" in leader and "租约有效" in leader, f"the leading coordinator is shown: {leader}")
        completed = driver.find_element(By.CSS_SELECTOR, "#queue-assessment td:nth-of-type(4)").text
        expect(completed.isdigit() and int(completed) > 0, f"the assessment queue's completed jobs are counted: {completed!r}")
        expect(driver.find_elements(By.CSS_SELECTOR, "#cron tbody tr"), "the cron schedules are listed")
        click(driver, driver.find_element(By.ID, "pause-signing"))
        expect(driver.find_elements(By.ID, "resume-signing"), "the paused queue offers to resume")
        shot(driver, "ops-paused")
        visit(driver, "/ops/jobs?state=discarded", "jobs")
        click(driver, driver.find_element(By.LINK_TEXT, str(args["job"])))
        shot(driver, "job")
        click(driver, driver.find_element(By.ID, "retry"))
        state = driver.find_element(By.ID, "job-state").text
        expect(state.startswith("待领取"), f"the retried job is available again: {state}")
    finally:
        driver.quit()
    return {"retried": args["job"], "paused": "signing"}


def sittings(args):
    """An institution schedules a sitting of its skills round on the round page and sees it seated."""
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        visit(driver, f"/console/rounds/{args['round']}")
        expect(driver.find_elements(By.ID, "schedule-form"), "a skills round's page offers to schedule a sitting")
        driver.find_element(By.CSS_SELECTOR, "#schedule-form input[name=levels][value='4']").click()
        fill(driver, {"sitting-site": "000001", "part-theory-date": args["day"], "part-skill-date": args["day"], "sitting-rooms": "A101, 2"})
        shot(driver, "schedule")
        submit(driver, "schedule-form")
        expect("考试已安排" in flash(driver), "the sitting is acknowledged")
        sitting = int(path(driver).split("?")[0].split("/")[-1])
        for _ in range(60):
            if "座位已分配" in driver.find_element(By.ID, "sitting-state").text:
                break
            time.sleep(1)
            visit(driver, f"/console/sittings/{sitting}")
        expect("座位已分配" in driver.find_element(By.ID, "sitting-state").text, "the job seats the candidates")
        expect("主监考" in driver.find_element(By.ID, "sitting-staff").text, "the staff drawn name each room's lead invigilator")
        shot(driver, "sitting")
    finally:
        driver.quit()
    return {"sitting": sitting}


def invigilator(args):
    """The lead invigilator finds the room's candidates whose paper theory marks they enter, by ticket."""
    driver = browser()
    try:
        sign_in_with_token(driver, args["token"])
        expect(path(driver) == "/console/reviews", f"staff land on their cases, not {path(driver)}")
        visit(driver, "/console/sittings")
        click(driver, driver.find_element(By.ID, f"sitting-{args['sitting']}"))
        forms = driver.find_elements(By.CSS_SELECTOR, "form[id^=theory-]")
        expect("Studio" not in driver.page_source, "blind: no employer, no name")
        shot(driver, "marking")
    finally:
        driver.quit()
    return {"tickets": len(forms)}


if __name__ == "__main__":
    stage, arguments = sys.argv[1], json.loads(sys.argv[2])
    stages = {"applicant": applicant, "institution": institution, "reviewer": reviewer, "committee": committee, "ballot": ballot,
              "bureau": bureau, "holder": holder, "operator": operator, "sittings": sittings, "invigilator": invigilator}
    result = stages[stage](arguments)
    print(json.dumps(result, ensure_ascii=False))
