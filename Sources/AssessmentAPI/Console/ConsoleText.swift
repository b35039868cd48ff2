import Workflow

/// Every fixed text of the console's pages, in Chinese and English: templates read them as
/// `{{t.key}}` in the visitor's language.
enum ConsoleText {
    /// Every text by key. A list, not a dictionary literal: a key written twice must not trap the
    /// process that first renders a page (a test finds it instead; the first one wins meanwhile).
    static let entries: [(String, LocalizedText)] = [
        ("site", .init(zh: "职称评审与职业技能等级认定", en: "Title evaluation and skills certification")),
        ("skip", .init(zh: "跳到正文", en: "Skip to content")),
        ("navigation", .init(zh: "导航", en: "Navigation")),
        ("home", .init(zh: "首页", en: "Home")),
        ("signIn", .init(zh: "登录", en: "Sign in")),
        ("signOut", .init(zh: "退出", en: "Sign out")),
        ("register", .init(zh: "注册", en: "Register")),
        (
            "footer",
            .init(
                zh: "上海市网络内容创作者职称评审与职业技能等级认定平台。证书可凭编号与持证人姓名公开核验。",
                en:
                    "Shanghai's platform for content creators' title evaluation and skills certification. Certificates verify publicly by number and holder name."
            )
        ),
        ("back", .init(zh: "返回上一页修改", en: "Go back and correct it")),
        ("fieldsToFix", .init(zh: "需要修改的栏目", en: "Fields to fix")),
        ("verifyTitle", .init(zh: "核验证书", en: "Verify a certificate")),
        (
            "verifyIntro",
            .init(
                zh: "输入证书编号和持证人姓名，查看证书状态并核对人社部门的电子签名。",
                en: "Enter the certificate number and the holder's name to see its status and check the bureau's signature.")
        ),
        ("certificateNumber", .init(zh: "证书编号", en: "Certificate number")),
        ("holderName", .init(zh: "持证人姓名", en: "Holder's name")),
        ("verify", .init(zh: "核验", en: "Verify")),
        ("objectTitle", .init(zh: "如何提出异议", en: "How to object")),
        (
            "objectText",
            .init(
                zh: "评审结果公示期间（5 个工作日），任何人可对公示结果提出异议，须留下联系方式以便评价机构答复；联系方式不公开。",
                en:
                    "While a result is on public notice (5 working days) anyone may object to it, leaving a contact for the institution's answer; the contact is never published."
            )
        ),
        ("forApplicants", .init(zh: "申请人", en: "Applicants")),
        (
            "forApplicantsText",
            .init(
                zh: "注册后申报职称评审或职业技能等级认定，跟踪每项申请的进度，查看结果与证书。",
                en: "Register to apply for a title or a skill level, follow each application's stages, see results and certificates.")
        ),
        ("forStaff", .init(zh: "评价机构、评审专家与人社部门", en: "Institutions, reviewers and the bureau")),
        (
            "forStaffText",
            .init(
                zh: "使用所发的访问令牌登录。", en: "Sign in with the access token you were issued.")
        ),
        ("status", .init(zh: "状态", en: "Status")),
        ("status.valid", .init(zh: "有效", en: "valid")),
        ("status.revoked", .init(zh: "已吊销", en: "revoked")),
        ("status.rehearsal", .init(zh: "演练证书（无效力）", en: "rehearsal (no legal effect)")),
        ("status.invalidSignature", .init(zh: "签名无效", en: "invalid signature")),
        ("signatureValid", .init(zh: "人社部门电子签名核验通过", en: "The bureau's signature verifies")),
        ("signatureInvalid", .init(zh: "电子签名核验未通过", en: "The signature does not verify")),
        ("holder", .init(zh: "持证人", en: "Holder")),
        ("holderDocument", .init(zh: "证件号码", en: "Document")),
        ("qualification", .init(zh: "资格", en: "Qualification")),
        ("level", .init(zh: "等级", en: "Level")),
        ("basis", .init(zh: "依据", en: "Basis")),
        ("results", .init(zh: "成绩", en: "Results")),
        ("issuer", .init(zh: "发证机构", en: "Issuer")),
        ("issuedOn", .init(zh: "发证日期", en: "Issued on")),
        ("qrLabel", .init(zh: "扫码核验此证书", en: "Scan to verify this certificate")),
        ("print", .init(zh: "用浏览器的打印功能（Ctrl+P）打印此页。", en: "Print this page with the browser's print command (Ctrl+P).")),
        ("applicantSignIn", .init(zh: "申请人登录", en: "Applicants")),
        ("staffSignIn", .init(zh: "工作人员登录", en: "Staff")),
        ("documentKind", .init(zh: "证件类型", en: "Document type")),
        ("documentNumber", .init(zh: "证件号码", en: "Document number")),
        ("issuingCountry", .init(zh: "签发国家（护照必填，ISO 三字母代码）", en: "Issuing country (passports: ISO three-letter code)")),
        ("password", .init(zh: "密码", en: "Password")),
        ("passwordHint", .init(zh: "12 至 200 个字符", en: "12 to 200 characters")),
        ("token", .init(zh: "访问令牌", en: "Access token")),
        ("name", .init(zh: "姓名", en: "Name")),
        ("birthDate", .init(zh: "出生日期", en: "Date of birth")),
        ("employer", .init(zh: "工作单位（自由职业者可不填）", en: "Employer (freelancers leave it empty)")),
        ("education", .init(zh: "学历", en: "Education")),
        ("registerTitle", .init(zh: "申请人注册", en: "Register as an applicant")),
        ("meTitle", .init(zh: "我的申请", en: "My applications")),
        ("profile", .init(zh: "个人档案", en: "Profile")),
        ("heldTitles", .init(zh: "已取得职称", en: "Titles held")),
        ("heldLevels", .init(zh: "已取得技能等级", en: "Skill levels held")),
        ("workYears", .init(zh: "工作经历", en: "Work history")),
        ("none", .init(zh: "无", en: "none")),
        ("applications", .init(zh: "申请", en: "Applications")),
        ("noApplications", .init(zh: "尚无申请。", en: "No applications yet.")),
        ("application", .init(zh: "申请", en: "Application")),
        ("round", .init(zh: "评审轮次编号", en: "Round id")),
        ("target", .init(zh: "申报", en: "Applied for")),
        ("state", .init(zh: "进度", en: "Stage")),
        ("result", .init(zh: "结果", en: "Result")),
        ("passed", .init(zh: "通过", en: "passed")),
        ("failed", .init(zh: "未通过", en: "not passed")),
        ("pending", .init(zh: "待定", en: "pending")),
        ("apply", .init(zh: "提交申请", en: "Apply")),
        ("applyTitle", .init(zh: "新的申请", en: "Apply")),
        ("track", .init(zh: "类别", en: "Track")),
        ("trackTitle", .init(zh: "职称评审", en: "Professional title")),
        ("trackSkill", .init(zh: "职业技能等级认定", en: "Skill level")),
        ("series", .init(zh: "职称系列（职称评审）", en: "Title series (titles)")),
        ("grade", .init(zh: "职称级别 1–5（职称评审）", en: "Title grade 1–5 (titles)")),
        ("specialty", .init(zh: "专业（可不填）", en: "Specialty (optional)")),
        ("skillLevel", .init(zh: "技能等级 1–5（技能认定）", en: "Skill level 1–5 (skills)")),
        ("direction", .init(zh: "方向（可不填）", en: "Direction (optional)")),
        ("notifications", .init(zh: "通知", en: "Notifications")),
        ("noNotifications", .init(zh: "暂无通知。", en: "No notifications.")),
        ("timeline", .init(zh: "办理进度", en: "Stages")),
        ("certificate", .init(zh: "证书", en: "Certificate")),
        ("viewCertificate", .init(zh: "查看并打印证书", en: "View and print the certificate")),
        ("appealTitle", .init(zh: "申请复核", en: "Appeal")),
        ("appealReason", .init(zh: "复核理由", en: "Reason for the appeal")),
        ("appealPart", .init(zh: "申请复核的考核科目（技能认定，可不填）", en: "The part appealed (skills; optional)")),
        ("fileAppeal", .init(zh: "提交复核申请", en: "File the appeal")),
        ("appeal", .init(zh: "复核", en: "Appeal")),
        ("bureauTitle", .init(zh: "待确认的评审结果", en: "Results awaiting confirmation")),
        ("noRounds", .init(zh: "目前没有待确认的轮次。", en: "No round awaits confirmation.")),
        ("institution", .init(zh: "评价机构", en: "Institution")),
        ("handedAt", .init(zh: "报送时间", en: "Handed over")),
        ("confirm", .init(zh: "确认结果", en: "Confirm the results")),
        ("revokeTitle", .init(zh: "吊销证书", en: "Revoke a certificate")),
        ("grounds", .init(zh: "吊销依据", en: "Grounds")),
        ("grounds.fraud", .init(zh: "弄虚作假（3 年内不得申报职称）", en: "fraud (no titles for 3 years)")),
        ("grounds.error", .init(zh: "发证错误", en: "issued in error")),
        ("grounds.other", .init(zh: "其他", en: "other")),
        ("reason", .init(zh: "理由", en: "Reason")),
        ("revoke", .init(zh: "吊销", en: "Revoke")),
        ("opsTitle", .init(zh: "队列运维", en: "Queue operations")),
        ("queues", .init(zh: "队列", en: "Queues")),
        ("queue", .init(zh: "队列", en: "Queue")),
        ("oldestReady", .init(zh: "最久等待（秒）", en: "Oldest ready (s)")),
        ("paused", .init(zh: "已暂停", en: "paused")),
        ("running", .init(zh: "运行中", en: "running")),
        ("pause", .init(zh: "暂停", en: "Pause")),
        ("resume", .init(zh: "恢复", en: "Resume")),
        ("statsAt", .init(zh: "统计时间", en: "Counted at")),
        ("leader", .init(zh: "协调器主节点", en: "Coordinator leader")),
        ("term", .init(zh: "任期", en: "Term")),
        ("leaseLive", .init(zh: "租约有效", en: "lease live")),
        ("leaseExpired", .init(zh: "租约已过期", en: "lease expired")),
        ("noLeader", .init(zh: "尚无协调器担任主节点。", en: "No coordinator has led yet.")),
        ("workers", .init(zh: "工作进程", en: "Workers")),
        ("noWorkers", .init(zh: "最近一小时没有工作进程。", en: "No worker within the last hour.")),
        ("worker", .init(zh: "进程", en: "Worker")),
        ("lastSeen", .init(zh: "上次心跳（秒前）", en: "Last heartbeat (s ago)")),
        ("cron", .init(zh: "定时任务", en: "Cron schedules")),
        ("noCron", .init(zh: "尚无定时任务。", en: "No schedules yet.")),
        ("schedule", .init(zh: "名称", en: "Schedule")),
        ("expression", .init(zh: "表达式", en: "Expression")),
        ("nextTick", .init(zh: "下次触发", en: "Next tick")),
        ("lastTick", .init(zh: "上次触发", en: "Last tick")),
        ("jobsTitle", .init(zh: "任务", en: "Jobs")),
        ("kind", .init(zh: "类型", en: "Kind")),
        ("args", .init(zh: "参数包含（JSON 对象）", en: "Arguments contain (a JSON object)")),
        ("any", .init(zh: "全部", en: "any")),
        ("filter", .init(zh: "筛选", en: "Filter")),
        ("noJobs", .init(zh: "没有符合条件的任务。", en: "No job matches.")),
        ("job", .init(zh: "任务", en: "Job")),
        ("attempt", .init(zh: "尝试次数", en: "Attempts")),
        ("insertedAt", .init(zh: "入队时间", en: "Enqueued")),
        ("runAt", .init(zh: "运行时间", en: "Runs at")),
        ("finishedAt", .init(zh: "结束时间", en: "Finished")),
        ("errors", .init(zh: "错误记录", en: "Errors")),
        ("noErrors", .init(zh: "无错误。", en: "No errors.")),
        ("progress", .init(zh: "进度", en: "Progress")),
        ("metadata", .init(zh: "元数据", en: "Metadata")),
        ("workerDeaths", .init(zh: "随进程丢失的运行", en: "Runs lost with their worker")),
        ("quarantined", .init(zh: "已隔离", en: "quarantined")),
        ("retry", .init(zh: "重试", en: "Retry")),
        ("cancel", .init(zh: "取消", en: "Cancel")),
        ("retryAll", .init(zh: "重试筛选出的全部任务", en: "Retry every job listed")),
        ("cancelAll", .init(zh: "取消筛选出的全部任务", en: "Cancel every job listed")),
        ("argsShown", .init(zh: "参数", en: "Arguments")),
        ("done.confirmed", .init(zh: "已确认评审结果；证书将由后台任务签发。", en: "The results are confirmed; certificates follow from jobs.")),
        ("done.revoked", .init(zh: "证书已吊销。", en: "The certificate is revoked.")),
        ("done.paused", .init(zh: "队列已暂停：工作进程不再领取其任务。", en: "The queue is paused: workers claim none of its jobs.")),
        ("done.resumed", .init(zh: "队列已恢复。", en: "The queue is resumed.")),
        ("done.retried", .init(zh: "已安排重试。", en: "Retried.")),
        ("privacyNotice", .init(zh: "个人信息保护说明", en: "Privacy notice")),
        ("noticeVersion", .init(zh: "版本", en: "version")),
        ("effective", .init(zh: "生效日期", en: "in force from")),
        ("readNotice", .init(zh: "阅读全文", en: "Read it in full")),
        ("consentRead", .init(zh: "我已阅读并同意个人信息保护说明", en: "I have read and accept the privacy notice")),
        (
            "consentSensitive",
            .init(zh: "我单独同意处理我的敏感个人信息（身份证件号码）", en: "I separately consent to the processing of my identity document number (sensitive)")
        ),
        (
            "consentSharing",
            .init(
                zh: "我单独同意向评价机构和人社部门提供我的申报信息和评审结果",
                en: "I separately consent to my application and its results going to the institution and the bureau")
        ),
        (
            "consentNeeded",
            .init(
                zh: "个人信息保护说明已更新：请阅读并同意后继续使用。", en: "The privacy notice has changed: read and accept it to go on.")
        ),
        ("acceptNotice", .init(zh: "同意", en: "Accept")),
        ("myConsents", .init(zh: "我的同意记录", en: "My consents")),
        ("myData", .init(zh: "下载我的全部个人信息（JSON）", en: "Download everything held about me (JSON)")),
        ("privacyLink", .init(zh: "个人信息与同意", en: "My data and consents")),
        ("consentPurpose", .init(zh: "同意事项", en: "Consent to")),
        ("givenAt", .init(zh: "时间", en: "Given")),
        (
            "noConsents",
            .init(
                zh: "尚无在线同意记录（由机构代为登记的，首次登录时补充）。",
                en: "No consent recorded online yet (people enrolled by an institution give it at their first sign-in).")
        ),
        ("done.consented", .init(zh: "已记录您的同意。", en: "Your consent is recorded.")),
        ("done.answered", .init(zh: "已答复您的删除申请，见下方记录。", en: "Your request to delete is answered; see below.")),
        ("done.erased", .init(zh: "您的个人信息和账户已删除。", en: "Your personal data and account are deleted.")),
        (
            "done.correctionFiled",
            .init(
                zh: "更正申请已提交，评价机构将在 \(RecordCorrection.answerWithinDays) 日内答复。",
                en: "Your correction request is filed; the institution answers within \(RecordCorrection.answerWithinDays) days.")
        ),
        ("myRequests", .init(zh: "我的个人信息申请", en: "My requests about my data")),
        ("myDataPage", .init(zh: "查看我的全部信息", en: "See everything held about me")),
        (
            "myDataNote",
            .init(
                zh: "以下是我们保存的关于您的全部信息，与下载的 JSON 副本内容相同；证件号码以掩码显示，操作方只写角色。",
                en: "This is everything we hold about you, the same as the JSON copy; the identity number is masked and who acted is given by role.")
        ),
        ("myDataDownload", .init(zh: "下载 JSON 副本", en: "Download the JSON copy")),
        ("nothingHeld", .init(zh: "无。", en: "None.")),
        ("requestKind", .init(zh: "申请事项", en: "Request")),
        ("request.erasure", .init(zh: "删除", en: "Deletion")),
        ("request.correction", .init(zh: "更正申请", en: "Correction of application")),
        ("answer", .init(zh: "答复", en: "Answer")),
        ("keptBecause", .init(zh: "说明", en: "Notes")),
        ("answerBy", .init(zh: "答复期限", en: "answer by")),
        ("correction.pending", .init(zh: "待答复", en: "waiting")),
        ("correction.accepted", .init(zh: "已更正", en: "corrected")),
        ("correction.refused", .init(zh: "不予更正", en: "refused")),
        ("correction.withdrawn", .init(zh: "申请已删除，不再处理", en: "withdrawn: the application is gone")),
        ("askCorrection", .init(zh: "申请更正申报信息", en: "Ask to correct what was filed")),
        (
            "askCorrectionNote",
            .init(
                zh: "申请已通过形式审查，不能再自行修改。请先在“我的记录”中更正，再说明哪里有误、证据在哪里；评价机构在 \(RecordCorrection.answerWithinDays) 日内答复。已作出的评审结论不因更正而改变，对结论有异议请申请复核。",
                en:
                    "The application was checked and can no longer be changed by you. Correct your record first, then say what is wrong and where the evidence is; the institution answers within \(RecordCorrection.answerWithinDays) days. A decided result stands; to contest it, appeal."
            )
        ),
        ("correctionNoteLabel", .init(zh: "哪里有误，证据在哪里", en: "What is wrong, and where the evidence is")),
        ("correctionsTitle", .init(zh: "更正申请", en: "Correction requests")),
        (
            "correctionsNote",
            .init(
                zh: "申请人请求将更正后的个人记录用于已审查的申请。请在答复期限前核对差异：接受后申请按更正后的信息保存（已作出的结论不变）；拒绝须说明理由。",
                en:
                    "Applicants ask for their corrected record to be carried into a checked application. Compare what differs before the due day: accepted, the application keeps the corrected record (a decided result stands); a refusal says why."
            )
        ),
        ("filedOn", .init(zh: "提出时间", en: "Filed")),
        ("dueOn", .init(zh: "答复期限", en: "Answer by")),
        ("overdue", .init(zh: "已逾期", en: "overdue")),
        ("changedFields", .init(zh: "更正内容", en: "What differs")),
        ("applicantNote", .init(zh: "申请人说明", en: "The applicant's note")),
        ("refusalReason", .init(zh: "拒绝理由（拒绝时必填）", en: "Reason (required to refuse)")),
        ("acceptCorrection", .init(zh: "接受更正", en: "Accept")),
        ("refuseCorrection", .init(zh: "不予更正", en: "Refuse")),
        ("noCorrections", .init(zh: "暂无更正申请。", en: "No correction requests.")),
        ("done.correctionAnswered", .init(zh: "已答复，申请人将收到通知。", en: "Answered; the applicant is notified.")),
        ("erasure.granted", .init(zh: "已全部删除", en: "all deleted")),
        ("erasure.partly", .init(zh: "部分删除", en: "partly deleted")),
        ("erasure.refused", .init(zh: "未删除", en: "nothing deleted")),
        (
            "eraseNote",
            .init(
                zh: "删除后不可恢复。评审中的申报、已获证书的申报（证书有效期间）和禁止申报期内的信息须保留，我们会说明原因；其余全部删除，无需保留时连同账户一并删除。",
                en:
                    "Deletion cannot be undone. Applications being evaluated, certified ones while their certificate can be verified, and a bar for fraud until it ends are kept, with the reason; everything else is deleted, the account too when nothing must be kept."
            )
        ),
        ("eraseConfirm", .init(zh: "我确认删除我的个人信息", en: "I want my personal data deleted")),
        ("erase", .init(zh: "申请删除", en: "Ask for deletion")),
        ("done.limited", .init(zh: "限制已生效：所有工作进程按此领取该类任务。", en: "The limit holds: every worker claims the kind within it.")),
        ("done.lifted", .init(zh: "限制已解除。", en: "The limit is lifted.")),
        ("limits", .init(zh: "并发与速率限制", en: "Concurrency and rate limits")),
        (
            "limitsNote",
            .init(
                zh: "限制对所有工作进程同时有效：同时运行的总数、按参数值（如 round）同时运行的数量、任意时间窗口内的启动次数。",
                en:
                    "Limits hold across every worker: running at once, running at once per value of an argument (such as round), starts in any window."
            )
        ),
        ("noLimits", .init(zh: "没有限制：各类任务按工作进程的并发运行。", en: "No limits: every kind runs as fast as the workers claim it.")),
        ("rules", .init(zh: "限制", en: "Limits")),
        ("runningNow", .init(zh: "正在运行", en: "Running now")),
        ("lift", .init(zh: "解除", en: "Lift")),
        ("setLimit", .init(zh: "设置限制", en: "Set a limit")),
        ("limitConcurrency", .init(zh: "同时运行至多（1–10000）", en: "At most running (1–10000)")),
        ("limitKeyField", .init(zh: "按参数（如 round）", en: "Per argument (such as round)")),
        ("limitKeyConcurrency", .init(zh: "每个参数值至多（1–10000）", en: "At most per value (1–10000)")),
        ("limitRateStarts", .init(zh: "启动次数（1–1000）", en: "Starts (1–1000)")),
        ("limitRatePeriod", .init(zh: "时间窗口（毫秒，1–86400000）", en: "Window (ms, 1–86400000)")),
        ("done.cancelled", .init(zh: "已取消。", en: "Cancelled.")),
        ("reviewsTitle", .init(zh: "待评审的案卷", en: "Cases to review")),
        ("noCases", .init(zh: "目前没有待评审的案卷。", en: "No case waits for you.")),
        (
            "blindNote",
            .init(
                zh: "案卷为匿名评审：不显示申请人的姓名、证件与工作单位。", en: "Cases are blind: the applicant's name, document and employer are not shown.")
        ),
        ("stage", .init(zh: "评审阶段", en: "Stage")),
        ("due", .init(zh: "截止时间", en: "Due")),
        ("works", .init(zh: "代表作", en: "Works")),
        ("noWorks", .init(zh: "未列出代表作。", en: "No works listed.")),
        ("files", .init(zh: "作品文件", en: "Files of the works")),
        ("score", .init(zh: "评分（0–100）", en: "Score (0–100)")),
        ("comment", .init(zh: "评审意见（可不填，至多 2000 字）", en: "Comment (optional, at most 2000 characters)")),
        ("submitScore", .init(zh: "提交评分", en: "Submit the score")),
        ("conflictTitle", .init(zh: "申报回避", en: "Declare a conflict of interest")),
        (
            "conflictText",
            .init(
                zh: "如与申请人存在利害关系，请申报回避；案卷将另行随机分配给其他专家。",
                en: "If you have a conflict of interest with the applicant, declare it; the case is drawn afresh for another reviewer.")
        ),
        ("declareConflict", .init(zh: "申报回避", en: "Declare a conflict")),
        ("roundsTitle", .init(zh: "评审轮次", en: "Rounds")),
        ("field", .init(zh: "系列或职业", en: "Series or occupation")),
        ("progressChart", .init(zh: "各阶段申请数", en: "Applications by stage")),
        ("total", .init(zh: "申请总数", en: "Applications")),
        ("closeRound", .init(zh: "截止申报", en: "Close to applications")),
        ("formalCheck", .init(zh: "形式审查", en: "Formal check")),
        ("noAwaiting", .init(zh: "没有待形式审查的申请。", en: "No application awaits its formal check.")),
        ("accept", .init(zh: "通过", en: "Accept")),
        ("returnForCorrection", .init(zh: "退回补正", en: "Return for correction")),
        ("reasons", .init(zh: "补正内容（每行一条）", en: "What to correct (one per line)")),
        ("correctBy", .init(zh: "补正期限", en: "Correct by")),
        ("objections", .init(zh: "待处理的异议", en: "Open objections")),
        ("noObjections", .init(zh: "没有待处理的异议。", en: "No open objection.")),
        ("filedBy", .init(zh: "异议人", en: "Filed by")),
        ("statement", .init(zh: "异议内容", en: "Statement")),
        ("resolution", .init(zh: "处理意见", en: "Resolution")),
        ("suspendResult", .init(zh: "异议成立：暂停该结果，提交评委会重新表决", en: "Uphold: suspend the result for the committee to vote again")),
        ("handle", .init(zh: "处理", en: "Handle")),
        ("noticesTitle", .init(zh: "评审结果公示", en: "Results on public notice")),
        ("noNotices", .init(zh: "目前没有公示。", en: "No notice is published.")),
        ("publishedOn", .init(zh: "公示日期", en: "Published on")),
        ("endsOn", .init(zh: "公示截止", en: "Ends on")),
        ("objectForm", .init(zh: "提出异议", en: "File an objection")),
        ("contact", .init(zh: "联系方式（电子邮箱或电话，不公开）", en: "Contact (an e-mail address or a phone number; never published)")),
        ("fileObjection", .init(zh: "提交异议", en: "File the objection")),
        ("noticeClosed", .init(zh: "公示期已结束，不再受理异议。", en: "The notice has ended; objections are no longer taken.")),
        ("done.objected", .init(zh: "异议已提交，评价机构将联系您。", en: "The objection is filed; the institution will contact you.")),
        ("lastHour", .init(zh: "近一小时（每分钟）", en: "The last hour, minute by minute")),
        ("throughput", .init(zh: "每分钟完成的任务", en: "Jobs completed per minute")),
        ("oldestWait", .init(zh: "最久等待（秒）", en: "Oldest wait (s)")),
        ("peak", .init(zh: "峰值", en: "peak")),
        ("deadTitle", .init(zh: "投递失败的通知", en: "Dead-lettered notifications")),
        ("noDead", .init(zh: "没有投递失败的通知。", en: "No notification is dead-lettered.")),
        ("subscription", .init(zh: "订阅", en: "Subscription")),
        ("event", .init(zh: "事件", en: "Event")),
        ("lastError", .init(zh: "最后一次错误", en: "Last error")),
        ("redrive", .init(zh: "重新投递", en: "Send again")),
        ("redriveAll", .init(zh: "全部重新投递", en: "Send them all again")),
        ("done.redriven", .init(zh: "已重新投递", en: "Sent again")),
        ("editRecord", .init(zh: "修改档案", en: "Edit my record")),
        ("retired", .init(zh: "已退休", en: "Retired")),
        ("seriesName", .init(zh: "职称系列", en: "Series")),
        ("gradeShort", .init(zh: "级别（1–5）", en: "Grade (1–5)")),
        ("levelShort", .init(zh: "等级（1–5）", en: "Level (1–5)")),
        ("occupation", .init(zh: "职业", en: "Occupation")),
        ("obtained", .init(zh: "取得日期", en: "Obtained on")),
        ("employerName", .init(zh: "单位（自由职业者填人才服务机构或平台）", en: "Employer (freelancers: talent service centre or platform)")),
        ("creditCode", .init(zh: "统一社会信用代码（18 位）", en: "Unified social credit code (18 characters)")),
        ("start", .init(zh: "起始日期", en: "From")),
        ("end", .init(zh: "截止日期（至今可不填）", en: "To (empty while it lasts)")),
        ("inField", .init(zh: "从事申报专业工作", en: "Work in the field applied for")),
        ("training", .init(zh: "职业技能培训", en: "Vocational training")),
        ("provider", .init(zh: "培训机构", en: "Provider")),
        ("saveRecord", .init(zh: "保存档案", en: "Save my record")),
        ("materials", .init(zh: "申报材料", en: "Materials")),
        ("returnedTitle", .init(zh: "退回补正，补正期限", en: "Returned for correction; correct by")),
        ("resubmit", .init(zh: "补正完毕，重新提交", en: "Corrected: submit again")),
        ("workUrl", .init(zh: "作品链接（https://）", en: "Address (https://)")),
        ("workTitle", .init(zh: "作品标题", en: "Title")),
        ("platform", .init(zh: "发布平台", en: "Platform")),
        ("published", .init(zh: "发布日期", en: "Published on")),
        ("views", .init(zh: "播放量", en: "Views")),
        ("likes", .init(zh: "点赞数", en: "Likes")),
        ("pledge", .init(zh: "诚信承诺书", en: "Integrity pledge")),
        ("pledgedAt", .init(zh: "已签署于", en: "Signed on")),
        ("signPledge", .init(zh: "我已阅读并签署诚信承诺书", en: "I have read and sign the integrity pledge")),
        ("saveMaterials", .init(zh: "保存材料", en: "Save the materials")),
        ("evidenceFiles", .init(zh: "证明文件", en: "Evidence files")),
        ("chooseFile", .init(zh: "选择文件（PDF、PNG、JPEG、WebP 或 MP4）", en: "Choose a file (PDF, PNG, JPEG, WebP or MP4)")),
        ("purpose", .init(zh: "文件用途", en: "What it proves")),
        ("purpose.representative_work", .init(zh: "代表作", en: "a representative work")),
        ("purpose.employment_proof", .init(zh: "劳动合同或社保证明", en: "proof of employment")),
        ("purpose.certificate", .init(zh: "已取得的证书", en: "a certificate held")),
        ("purpose.other", .init(zh: "其他", en: "other")),
        ("upload", .init(zh: "上传", en: "Upload")),
        ("done.uploaded", .init(zh: "文件已上传。", en: "The file is uploaded.")),
        ("viewDossier", .init(zh: "查看申报材料", en: "Read the dossier")),
        ("committee", .init(zh: "评审委员会", en: "The committee")),
        ("seed", .init(zh: "随机种子（可不填，留空则随机）", en: "Seed (optional; random unless given)")),
        ("drawCommittee", .init(zh: "随机抽取评审委员会", en: "Draw the committee at random")),
        ("present", .init(zh: "出席委员", en: "Members present")),
        ("heldOn", .init(zh: "会议日期（可不填，默认今天）", en: "Held on (optional; today unless given)")),
        ("appeal.open", .init(zh: "复核中", en: "open")),
        ("appeal.upheld", .init(zh: "维持原结果", en: "upheld")),
        ("appeal.overturned", .init(zh: "改变原结果", en: "overturned")),
        ("objection.open", .init(zh: "待处理", en: "open")),
        ("objection.handled", .init(zh: "已处理", en: "handled")),
        ("objection.upheld", .init(zh: "异议成立", en: "upheld")),
        ("objection.dismissed", .init(zh: "驳回", en: "dismissed")),
        ("admissionTicket", .init(zh: "准考证", en: "Admission ticket")),
        ("examSite", .init(zh: "考点", en: "Site")),
        ("room", .init(zh: "考场", en: "Room")),
        ("seat", .init(zh: "座位号", en: "Seat")),
        ("partResults", .init(zh: "各科成绩", en: "Results by part")),
        ("part.final", .init(zh: "已确定", en: "final")),
        ("part.absent", .init(zh: "缺考", en: "absent")),
        ("part.discrepancy", .init(zh: "评分差异待督导确认", en: "awaiting the supervisor")),
        ("part.carried", .init(zh: "沿用以往合格成绩", en: "kept from an earlier sitting")),
        ("sittingsTitle", .init(zh: "考试安排", en: "Sittings")),
        ("sitting", .init(zh: "考试", en: "Sitting")),
        ("mySittings", .init(zh: "我的考务", en: "My sittings")),
        ("noSittings", .init(zh: "目前没有安排您的考务。", en: "No sitting has you on its staff.")),
        ("toMark", .init(zh: "待评分的考生", en: "Candidates to mark")),
        ("blindMarking", .init(zh: "按准考证号匿名评分，各自独立评分；评分后不可修改。", en: "Blind, by ticket, each on their own; a mark once given stays.")),
        ("nothingToMark", .init(zh: "没有待评分的考生。", en: "Nobody to mark.")),
        ("ticket", .init(zh: "准考证号", en: "Ticket")),
        ("mark", .init(zh: "分数（0–100）", en: "Mark (0–100)")),
        ("submitMark", .init(zh: "提交评分", en: "Submit the mark")),
        ("parts", .init(zh: "考核科目", en: "Parts")),
        ("staffTitle", .init(zh: "考务人员", en: "Staff")),
        ("staff.invigilator", .init(zh: "监考员", en: "invigilator")),
        ("staff.examiner", .init(zh: "考评员", en: "examiner")),
        ("staff.reviewer", .init(zh: "综合评审委员", en: "review panel member")),
        ("staff.supervisor", .init(zh: "督导员", en: "supervisor")),
        ("done.marked", .init(zh: "评分已提交。", en: "The mark is submitted.")),
        ("confirmSitting", .init(zh: "确认考试", en: "Confirm sitting")),
        ("done.sittingConfirmed", .init(zh: "已确认该场考试的结果；证书将由后台任务签发。", en: "The sitting's results are confirmed; certificates follow from jobs.")),
        ("meetingDay", .init(zh: "会议日期", en: "Held on")),
        ("aggregateScore", .init(zh: "评审得分", en: "Panel score")),
        ("openMeeting", .init(zh: "召开会议，开始表决", en: "Open the meeting and its vote")),
        ("meetings", .init(zh: "会议", en: "Meetings")),
        ("meeting", .init(zh: "会议", en: "Meeting")),
        ("voting", .init(zh: "表决中", en: "voting")),
        ("openVotes", .init(zh: "待表决的会议", en: "Meetings with an open vote")),
        ("noMeetings", .init(zh: "目前没有待表决的会议。", en: "No meeting waits for your vote.")),
        ("sheetCast", .init(zh: "已投票", en: "your sheet is cast")),
        ("sheetOpen", .init(zh: "待投票", en: "your sheet is open")),
        (
            "secretBallot",
            .init(
                zh: "无记名投票：只记录各案件的票数，不记录谁投了什么。", en: "A secret ballot: only each case's counts are kept, never who voted how.")
        ),
        ("voteYes", .init(zh: "同意", en: "Yes")),
        ("voteNo", .init(zh: "不同意", en: "No")),
        ("voteAbstain", .init(zh: "弃权", en: "Abstain")),
        ("castSheet", .init(zh: "提交表决票", en: "Cast my sheet")),
        ("sheetsCast", .init(zh: "已投票人数", en: "Sheets cast")),
        ("recused", .init(zh: "回避委员", en: "Recused")),
        ("counts", .init(zh: "同意 / 不同意 / 弃权", en: "Yes / no / abstain")),
        ("closeVote", .init(zh: "结束表决（未投票者计为弃权）", en: "Close the vote (members who did not vote abstain)")),
        ("vote.original", .init(zh: "评审表决", en: "decision")),
        ("vote.appeal", .init(zh: "复核表决", en: "appeal")),
        ("vote.reconsideration", .init(zh: "异议复议", en: "reconsideration")),
        ("done.cast", .init(zh: "表决票已提交。", en: "Your sheet is cast.")),
        ("done.drawn", .init(zh: "评审委员会已抽取。", en: "The committee is drawn.")),
        ("done.opened", .init(zh: "会议已召开，委员可以投票。", en: "The meeting is open; members may vote.")),
        ("done.tallied", .init(zh: "表决已结束并计票。", en: "The vote is closed and counted.")),
        ("statistics", .init(zh: "统计与导出", en: "Figures and exports")),
        ("byQualification", .init(zh: "按资格", en: "By qualification")),
        ("applied", .init(zh: "申报", en: "Applied")),
        ("ineligible", .init(zh: "不符合条件", en: "Ineligible")),
        ("passRate", .init(zh: "通过率", en: "Pass rate")),
        ("reviewersLoad", .init(zh: "评审专家", en: "Reviewers")),
        ("assigned", .init(zh: "分配", en: "Assigned")),
        ("scored", .init(zh: "已评", en: "Scored")),
        ("replaced", .init(zh: "被替换", en: "Replaced")),
        ("meanScore", .init(zh: "平均分", en: "Mean score")),
        ("deviation", .init(zh: "偏离均值", en: "Deviation")),
        ("spread", .init(zh: "评分极差（平均 / 最大）", en: "Score spread (mean / largest)")),
        ("appealsCount", .init(zh: "复核", en: "Appeals")),
        ("objectionsCount", .init(zh: "异议", en: "Objections")),
        ("exports", .init(zh: "导出结果（人社部门确认后）", en: "Export the results (once the bureau confirmed)")),
        ("notConfirmed", .init(zh: "结果经人社部门确认后方可导出。", en: "Results export once the bureau has confirmed them.")),
        ("expertsTitle", .init(zh: "专家库", en: "Expert database")),
        ("noExperts", .init(zh: "专家库为空。", en: "No expert is filed.")),
        ("expertId", .init(zh: "专家编号", en: "Expert id")),
        ("expertTerm", .init(zh: "聘期", en: "Term")),
        ("loadCap", .init(zh: "每轮最多评审件数", en: "Most cases a round")),
        ("fileExpert", .init(zh: "录入专家", en: "File an expert")),
        ("expert.active", .init(zh: "在库", en: "active")),
        ("expert.suspended", .init(zh: "暂停", en: "suspended")),
        ("expert.retired", .init(zh: "退出", en: "retired")),
        ("set.active", .init(zh: "恢复", en: "resume")),
        ("set.suspended", .init(zh: "暂停", en: "suspend")),
        ("set.retired", .init(zh: "退出专家库", en: "retire")),
        ("done.filed", .init(zh: "专家已录入。", en: "The expert is filed.")),
        ("done.status", .init(zh: "专家状态已更新。", en: "The expert's status is set.")),
        ("openRound", .init(zh: "开启评审轮次", en: "Open a round")),
        ("roundKind", .init(zh: "评价方式", en: "How it decides")),
        ("kindReview", .init(zh: "专家评审、评委会表决", en: "expert review and committee vote")),
        ("kindExam", .init(zh: "以考代评（导入全国考试成绩）", en: "by national exam (results imported)")),
        ("startDate", .init(zh: "开始日期", en: "Starts on")),
        ("closesOnDay", .init(zh: "申报截止（开始后第几天，1–365）", en: "Applications close on day (1–365)")),
        ("scoringDays", .init(zh: "专家评审期限（天，1–90）", en: "Days to score (1–90)")),
        ("committeeSize", .init(zh: "评审委员会人数（奇数，3–99）", en: "Committee members (odd, 3–99)")),
        ("reviewersPerCase", .init(zh: "每件评审专家人数（1–15）", en: "Reviewers per case (1–15)")),
        ("formalCheckFirst", .init(zh: "资格审查前先进行形式审查", en: "Formal check before eligibility")),
        ("done.roundOpened", .init(zh: "评审轮次已开启。", en: "The round is open.")),
        ("done.recorded", .init(zh: "档案已保存。", en: "Your record is saved.")),
        ("done.materials", .init(zh: "材料已保存。", en: "The materials are saved.")),
        ("done.resubmitted", .init(zh: "已重新提交。", en: "Submitted again.")),
        ("done.scored", .init(zh: "评分已提交。", en: "The score is submitted.")),
        ("done.conflict", .init(zh: "已申报回避；案卷将另行分配。", en: "Conflict declared; the case is drawn afresh.")),
        ("done.closed", .init(zh: "已截止申报；资格审查与分配由后台任务进行。", en: "Closed to applications; eligibility and panels follow from jobs.")),
        ("done.checked", .init(zh: "形式审查结论已记录。", en: "The formal check is recorded.")),
        ("done.handled", .init(zh: "异议已处理。", en: "The objection is handled.")),
        ("levelsTaken", .init(zh: "本场考试的等级", en: "Levels it takes")),
        ("day", .init(zh: "日期", en: "Day")),
        ("startsAt", .init(zh: "开始时间", en: "Starts at")),
        ("minutes", .init(zh: "时长（分钟，15–480）", en: "Minutes (15–480)")),
        ("roomsLines", .init(zh: "考场（每行一个：名称, 座位数）", en: "Rooms (one a line: name, seats)")),
        ("staffingAbove", .init(zh: "考务人员（不填则按政策最低配置）", en: "Staff (the policy's minimum unless given)")),
        ("invigilatorsPerRoom", .init(zh: "每考场监考员", en: "Invigilators a room")),
        ("examinersPerRoom", .init(zh: "每考场考评员（奇数）", en: "Examiners a room (odd)")),
        ("reviewPanel", .init(zh: "综合评审委员（奇数）", en: "Review panel (odd)")),
        ("unseated", .init(zh: "待安排座位的考生", en: "Candidates waiting for a seat")),
        ("leadInvigilator", .init(zh: "主监考", en: "lead invigilator")),
        ("theoryImport", .init(zh: "导入理论考试成绩", en: "Import the theory exam's marks")),
        (
            "theoryImportHint",
            .init(
                zh: "考试当天起可导入考试系统导出的 CSV（UTF-8）；任何一行有误则整份不导入。列：",
                en: "From the exam's day, import the exam system's CSV (UTF-8); one bad row refuses the file. Columns:")
        ),
        ("csvFile", .init(zh: "CSV 文件", en: "CSV file")),
        ("importFile", .init(zh: "导入", en: "Import")),
        ("recordAbsence", .init(zh: "登记缺考", en: "Record absences")),
        ("part", .init(zh: "科目", en: "Part")),
        ("ticketsLines", .init(zh: "准考证号（每行一个）", en: "Tickets (one a line)")),
        ("moveSitting", .init(zh: "调整考试安排", en: "Move the sitting")),
        (
            "moveHint",
            .init(
                zh: "可调整日期、考点、考场与考务配置；等级与考生不变。调整后重新安排座位并通知所有人。",
                en: "Days, site, rooms and staffing may change; its levels and candidates stay. Everyone is seated again and told.")
        ),
        ("cancelSitting", .init(zh: "取消考试", en: "Cancel the sitting")),
        ("sitting.scheduled", .init(zh: "已安排，正在分配座位", en: "scheduled, being seated")),
        ("sitting.seated", .init(zh: "座位已分配，准考证已发放", en: "seated, tickets issued")),
        ("sitting.unstaffed", .init(zh: "考务人员不足", en: "short of staff")),
        ("sitting.cancelled", .init(zh: "已取消", en: "cancelled")),
        ("absentMark", .init(zh: "缺考", en: "Absent")),
        ("enterTheory", .init(zh: "录入成绩", en: "Enter")),
        ("panelMean", .init(zh: "平均分", en: "panel mean")),
        ("markSpread", .init(zh: "极差", en: "spread")),
        ("confirmMark", .init(zh: "核实后确认", en: "Looked into: let it count")),
        ("remarksTitle", .init(zh: "复核重评", en: "Appeals to re-mark")),
        (
            "remarksHint",
            .init(
                zh: "考生对该科成绩申请复核；您是新抽取的评分组成员，按准考证号匿名、独立评分。",
                en: "The candidate appealed this part; you are on the fresh panel and mark it blind, by ticket, on your own.")
        ),
        ("noRemarks", .init(zh: "没有待重评的复核。", en: "No appeal waits for your mark.")),
        ("noSittingsYet", .init(zh: "尚未安排考试。", en: "No sitting is scheduled yet.")),
        ("scheduleSitting", .init(zh: "安排考试", en: "Schedule a sitting")),
        (
            "scheduleHint",
            .init(
                zh: "为所选等级中尚未安排座位的合格考生安排一场考试：核对考务人员配比，从专家库随机抽取考务人员，由后台任务分配座位、发放准考证并通知。",
                en:
                    "Seats the eligible candidates of the chosen levels not yet seated: the staffing ratios are checked, staff drawn from the pool at random, and a job seats everyone, issues tickets and tells them."
            )
        ),
        ("examImport", .init(zh: "导入全国考试成绩", en: "Import national exam results")),
        (
            "examImportHint",
            .init(
                zh: "CSV（UTF-8），每行对应一名已报名考生；任何一行有误则整份不导入；截止申报后成绩确定。列：",
                en: "CSV (UTF-8), each row a registered candidate; one bad row refuses the file; closing the round makes them final. Columns:")
        ),
        ("appealsWaiting", .init(zh: "待处理的复核申请", en: "Appeals waiting for you")),
        ("eligibilityAppeal", .init(zh: "资格审核复核", en: "appeal of ineligibility")),
        ("setApartAppeal", .init(zh: "因专家不足搁置的复核", en: "appeal set apart for want of a panel")),
        ("appealOutcome", .init(zh: "复核结论", en: "Outcome")),
        ("outcomeUpheld", .init(zh: "维持不符合条件", en: "Upheld: stays ineligible")),
        ("outcomeOverturned", .init(zh: "改为符合条件", en: "Overturned: eligible")),
        ("reasonForApplicant", .init(zh: "理由（告知申请人）", en: "Reason (the applicant reads it)")),
        ("decide", .init(zh: "作出决定", en: "Decide")),
        ("redrawPanel", .init(zh: "已补充专家库，重新抽取复核专家", en: "Pool grown: draw the panel again")),
        ("noAppeals", .init(zh: "没有待处理的复核申请。", en: "No appeal waits for you.")),
        ("dismissTicked", .init(zh: "驳回勾选的异议", en: "Dismiss the ticked objections")),
        ("calendarTitle", .init(zh: "工作日历", en: "Working calendar")),
        ("timeZone", .init(zh: "时区", en: "Time zone")),
        ("roundToday", .init(zh: "本轮当前日期", en: "The round's day now")),
        ("unloadedRule", .init(zh: "未载入节假日安排的年份", en: "Years with no schedule loaded")),
        ("unloaded.refuse", .init(zh: "拒绝计算期限，直至载入", en: "deadlines refused until loaded")),
        ("unloaded.weekends_only", .init(zh: "仅按周末计算", en: "counted Monday to Friday")),
        ("holidaysCount", .init(zh: "放假天数", en: "days off")),
        ("workdaysCount", .init(zh: "调休上班天数", en: "weekend days worked")),
        ("year", .init(zh: "年份", en: "Year")),
        ("holidayDays", .init(zh: "放假日期（每行一个，含假期内的周末）", en: "Days off (one a line, weekends within a holiday included)")),
        ("adjustedWorkdays", .init(zh: "调休上班日期（每行一个）", en: "Weekend days worked (one a line)")),
        ("loadSchedule", .init(zh: "载入国务院办公厅节假日安排", en: "Load the State Council's holiday schedule")),
        ("done.scheduled", .init(zh: "考试已安排；后台任务正在分配座位并通知。", en: "The sitting is scheduled; a job seats everyone and tells them.")),
        ("done.moved", .init(zh: "考试安排已调整；后台任务正在重新分配座位并通知。", en: "The sitting is moved; a job seats everyone again and tells them.")),
        ("done.sittingCancelled", .init(zh: "考试已取消，考生与考务人员将收到通知。", en: "The sitting is cancelled; candidates and staff are told.")),
        ("done.absences", .init(zh: "已登记缺考", en: "Absences recorded")),
        ("done.imported", .init(zh: "已导入", en: "Imported")),
        ("done.absent", .init(zh: "已登记缺考。", en: "Recorded absent.")),
        ("done.markConfirmed", .init(zh: "已确认该科成绩。", en: "The part's mark counts.")),
        ("done.scheduleLoaded", .init(zh: "节假日安排已载入。", en: "The holiday schedule is loaded.")),
        ("done.appealDecided", .init(zh: "复核已作出决定，申请人将收到通知。", en: "The appeal is decided; the applicant is told.")),
        ("done.redrawn", .init(zh: "后台任务正在重新抽取复核专家。", en: "A job draws the panel again.")),
        ("done.dismissed", .init(zh: "异议已驳回", en: "Objections dismissed")),
        ("institutionsTitle", .init(zh: "评价机构备案", en: "Evaluation institutions")),
        ("institutionKind", .init(zh: "机构类型", en: "Kind")),
        ("institutionKind.Y", .init(zh: "用人单位（Y）", en: "employer (Y)")),
        ("institutionKind.S", .init(zh: "社会培训评价组织（S）", en: "social evaluation organisation (S)")),
        ("agencyCode", .init(zh: "发证机关代码（4 位）", en: "Agency code (4 digits)")),
        ("provinceCode", .init(zh: "省份代码（上海 31）", en: "Province code (31 for Shanghai)")),
        ("sitesLines", .init(zh: "考核点代码（每行一个，6 位）", en: "Assessment sites (one a line, 6 digits)")),
        ("titleSeriesScope", .init(zh: "可评审的职称系列", en: "Title series it may evaluate")),
        ("occupationScope", .init(zh: "可认定的职业", en: "Occupations it may certify")),
        ("institutionId", .init(zh: "机构编号", en: "Institution id")),
        ("scope", .init(zh: "评价范围", en: "Scope")),
        ("noInstitutions", .init(zh: "尚无备案的评价机构。", en: "No institution is filed.")),
        ("fileInstitution", .init(zh: "备案评价机构", en: "File an institution")),
        (
            "correctInstitutionHint",
            .init(zh: "更正备案信息；已签发证书的编号不变。", en: "Correct what is filed; certificates already issued keep their numbers.")
        ),
        ("saveInstitution", .init(zh: "保存", en: "Save")),
        ("importExperts", .init(zh: "导入专家名册", en: "Import the expert register")),
        (
            "importExpertsHint",
            .init(
                zh: "CSV（UTF-8）；逐行核对，任何一行有误则整份不导入；已有编号的专家按表更新。列：",
                en: "CSV (UTF-8); every row is checked and one bad row refuses the file; experts already filed are replaced. Columns:")
        ),
        ("documentAccessTitle", .init(zh: "证件号码查阅记录", en: "Identity numbers read")),
        (
            "documentAccessHint",
            .init(
                zh: "每一次解密身份证件号码（如人社部门导出结果）都记入不可篡改的审计日志：何时、何人、为哪件申请、出于何种用途。",
                en:
                    "Every identity number unsealed (a bureau export, for one) is kept in the tamper-evident audit log: when, by whom, for which application and why."
            )
        ),
        ("noUnsealings", .init(zh: "尚无查阅记录。", en: "No identity number has been read.")),
        ("readBy", .init(zh: "查阅人", en: "Read by")),
        ("time", .init(zh: "时间", en: "Time")),
        ("exportPurpose", .init(zh: "导出用途", en: "Purpose")),
        (
            "exportPurposeHint",
            .init(
                zh: "按《个人信息保护法》，每次导出须说明用途；人社部门导出的完整证件号码逐条记入查阅记录。",
                en: "The Personal Information Protection Law asks a purpose of every export; each full identity number the bureau exports is logged.")
        ),
        ("certificatesTitle", .init(zh: "证书登记", en: "Certificates issued")),
        ("qualificationShort", .init(zh: "资格", en: "Qualification")),
        ("nextPage", .init(zh: "下一页", en: "Next page")),
        ("noCertificates", .init(zh: "没有证书。", en: "No certificate.")),
        ("revokedOn", .init(zh: "已吊销于", en: "revoked on")),
        ("inForce", .init(zh: "有效", en: "in force")),
        ("leaseHistory", .init(zh: "租约记录", en: "Lease history")),
        ("leasedFrom", .init(zh: "开始", en: "From")),
        ("leasedUntil", .init(zh: "结束", en: "Until")),
        ("outcome", .init(zh: "结果", en: "Outcome")),
        ("noLeases", .init(zh: "尚未运行。", en: "Not run yet.")),
        ("leaseDeadline", .init(zh: "租约到期", en: "lease runs out")),
        ("done.institutionFiled", .init(zh: "评价机构已备案。", en: "The institution is filed.")),
        ("done.institutionUpdated", .init(zh: "备案信息已更正。", en: "The institution's profile is corrected.")),
    ]

    static let table = Dictionary(entries, uniquingKeysWith: { first, _ in first })

    /// The table in one language, for a template's `t`.
    static func strings(_ language: Language) -> [String: String] { language == .zh ? chinese : english }

    /// Built once: every page hands one of them to its template.
    private static let chinese = table.mapValues(\.zh)
    private static let english = table.mapValues(\.en)

    /// One text in `language`; the key itself when missing, so that a typo shows on the page.
    static func text(_ key: String, _ language: Language) -> String {
        guard let text = table[key] else { return key }
        return language == .zh ? text.zh : text.en
    }

    /// A job's state as an operator reads it; the raw name stays beside it in filters.
    static func jobState(_ state: JobState, _ language: Language) -> String {
        let name: LocalizedText =
            switch state {
            case .available: .init(zh: "待领取", en: "available")
            case .scheduled: .init(zh: "已排程", en: "scheduled")
            case .running: .init(zh: "运行中", en: "running")
            case .completed: .init(zh: "已完成", en: "completed")
            case .retryable: .init(zh: "待重试", en: "retryable")
            case .discarded: .init(zh: "已丢弃", en: "discarded")
            case .cancelled: .init(zh: "已取消", en: "cancelled")
            }
        return language == .zh ? name.zh : name.en
    }

    /// A notification's event as its reader calls it; the raw event (English) where a new one has no words yet.
    static func event(_ raw: String, _ language: Language) -> String {
        guard language == .zh, let event = NotificationEvent(rawValue: raw) else { return raw }
        let names: [NotificationEvent: String] = [
            .registered: "注册成功", .eligible: "资格审核通过", .ineligible: "资格审核未通过", .returnedForCorrection: "退回补正",
            .resubmitted: "补正后重新提交", .eligibilityAppealFiled: "资格复核申请", .roundOpened: "评审轮次开启", .roundClosed: "申报截止",
            .assigned: "分配评审案卷", .assignmentWithdrawn: "案卷撤回", .scoringReminder: "评审催办", .scoreDiscrepancy: "评分差异过大",
            .caseScored: "评审完成", .voteVoid: "表决无效：未达法定人数", .noticePublished: "结果公示", .result: "评审结果",
            .objectionFiled: "收到异议", .resultSuspended: "结果暂缓", .resultReconsidered: "复议结果", .appealDecided: "复核结果",
            .finalResult: "最终结果", .resultsToConfirm: "待确认的结果", .certificateIssued: "证书已签发", .certificateRevoked: "证书已吊销",
            .sittingSeated: "考场安排", .sittingChanged: "考场变更", .sittingCancelled: "考试取消", .sittingStaffed: "考务人员安排",
            .sittingReleased: "考务安排解除", .sittingUnstaffed: "考务人员不足", .markDiscrepancy: "评分差异过大", .appealSetApart: "复核搁置",
            .appealRemark: "复核重评", .correctionRequested: "更正申请", .correctionAnswered: "更正申请答复",
        ]
        return names[event] ?? raw
    }

    /// A round's state as a reader calls it.
    static func roundState(_ state: RoundState, _ language: Language) -> String {
        let name: LocalizedText =
            switch state {
            case .draft: .init(zh: "草稿", en: "draft")
            case .open: .init(zh: "受理申报", en: "open to applications")
            case .closedToApplications: .init(zh: "申报截止", en: "closed to applications")
            case .assigning: .init(zh: "分配评审专家", en: "drawing panels")
            case .scoring: .init(zh: "专家评审", en: "scoring")
            case .deliberation: .init(zh: "评委会评议表决", en: "committee deliberation")
            case .publicNotice: .init(zh: "公示", en: "public notice")
            case .appeals: .init(zh: "复核期", en: "appeals")
            case .finalized: .init(zh: "结果确定，待人社部门确认", en: "final, awaiting the bureau")
            case .confirmed: .init(zh: "人社部门已确认", en: "confirmed by the bureau")
            }
        return language == .zh ? name.zh : name.en
    }

    /// An application's stage as a reader calls it.
    static func stage(_ state: ApplicationState) -> LocalizedText {
        switch state {
        case .submitted: .init(zh: "已提交", en: "submitted")
        case .returned: .init(zh: "退回补正", en: "returned for correction")
        case .ineligible: .init(zh: "不符合申报条件", en: "ineligible")
        case .eligible: .init(zh: "资格审核通过", en: "eligible")
        case .assigned: .init(zh: "评审中", en: "under review")
        case .scored: .init(zh: "已评分", en: "scored")
        case .decided: .init(zh: "已作出结果", en: "decided")
        case .suspended: .init(zh: "暂停办理", en: "suspended")
        }
    }
}
