/// What an event, a notification or an audit entry is about. Its text (`application:7`) is the
/// `subject` of webhook payloads and audit entries, so it never changes for a stored record.
public enum Subject: Hashable, Sendable, CustomStringConvertible {
    case applicant(Int64)
    case application(Int64)
    case round(Int64)
    case objection(Int64)
    case certificate(String)
    case institution(String)
    case sitting(Int64)
    /// A class of personal data, as the retention policy names it.
    case dataClass(String)

    public var description: String {
        switch self {
        case .dataClass(let name): "data:\(name)"
        case .sitting(let id): "sitting:\(id)"
        case .institution(let id): "institution:\(id)"
        case .applicant(let id): "applicant:\(id)"
        case .application(let id): "application:\(id)"
        case .round(let id): "round:\(id)"
        case .objection(let id): "objection:\(id)"
        case .certificate(let number): "certificate:\(number)"
        }
    }
}

/// Who is owed a notification. Its text (`institution:inst-1`) is what subscriptions name, so it
/// never changes either.
public enum Recipient: Hashable, Sendable, CustomStringConvertible {
    case applicant(Int64)
    case institution(String)
    case reviewer(String)
    case bureau

    public var description: String {
        switch self {
        case .applicant(let id): "applicant:\(id)"
        case .institution(let id): "institution:\(id)"
        case .reviewer(let id): "reviewer:\(id)"
        case .bureau: "bureau"
        }
    }
}

/// Who did what the audit log records.
public enum Actor: Hashable, Sendable, CustomStringConvertible {
    /// A job of the workflow, on nobody's request.
    case system
    /// An institution's evaluation committee, by its recorded ballot.
    case committee
    /// Anyone, without an account: an objection during a public notice.
    case publicMember
    case applicant(Int64)
    case institution(String)
    case reviewer(String)
    /// The HR bureau; by a named officer where one acted.
    case bureau(officer: String?)

    public var description: String {
        switch self {
        case .system: "system"
        case .committee: "committee"
        case .publicMember: "public"
        case .applicant(let id): "applicant:\(id)"
        case .institution(let id): "institution:\(id)"
        case .reviewer(let id): "reviewer:\(id)"
        case .bureau(let officer): officer.map { "bureau:\($0)" } ?? "bureau"
        }
    }
}

/// Every notification the workflow owes: the public webhook contract. The raw values are the
/// `event` field and the `Assess-Event` header subscribers filter on; `ops/notifications.md` lists
/// them from here, and a test keeps that list true.
public enum NotificationEvent: String, CaseIterable, Sendable {
    case registered = "registered"
    case eligible = "eligible"
    case ineligible = "ineligible"
    case returnedForCorrection = "returned for correction"
    case resubmitted = "resubmitted"
    case eligibilityAppealFiled = "eligibility appeal filed"
    case roundOpened = "round opened"
    case roundClosed = "round closed"
    case assigned = "assigned"
    case assignmentWithdrawn = "assignment withdrawn"
    case scoringReminder = "scoring reminder"
    case scoreDiscrepancy = "score discrepancy"
    case caseScored = "case scored"
    case voteVoid = "vote void: no quorum"
    case noticePublished = "notice published"
    case result = "result"
    case objectionFiled = "objection filed"
    case resultSuspended = "result suspended"
    case resultReconsidered = "result reconsidered"
    case appealDecided = "appeal decided"
    case finalResult = "final result"
    case resultsToConfirm = "results to confirm"
    case certificateIssued = "certificate issued"
    case certificateRevoked = "certificate revoked"
    case sittingSeated = "sitting seated"
    case sittingChanged = "sitting changed"
    case sittingCancelled = "sitting cancelled"
    case sittingStaffed = "sitting staffed"
    case sittingReleased = "sitting released"
    case sittingUnstaffed = "sitting unstaffed"
    case markDiscrepancy = "mark discrepancy"
    case appealSetApart = "appeal set apart"
    case appealRemark = "appeal remark"
    case correctionRequested = "correction requested"
    case correctionAnswered = "correction answered"

    /// Who hears it, and what it tells them, for the contract's documentation.
    public var meaning: String {
        switch self {
        case .registered: "applicant: the account exists"
        case .eligible: "applicant: the application passed the eligibility check"
        case .ineligible: "applicant: the application failed the eligibility check; `reasons` says why"
        case .returnedForCorrection: "applicant: the formal check returned the application; `reasons` says what to correct by `correctBy`"
        case .resubmitted: "institution: an application returned for correction is back for its formal check"
        case .eligibilityAppealFiled: "institution: an applicant appealed their ineligibility; decide it before the round closes"
        case .roundOpened: "institution: its round is open for applications"
        case .roundClosed: "institution: its round is closed to applications; panels are being drawn"
        case .assigned: "reviewer: a case is drawn for them, with its `stage`; its scoring deadline is in their case list"
        case .assignmentWithdrawn: "reviewer: a case is no longer theirs (a declared conflict or a missed deadline)"
        case .scoringReminder: "reviewer: a case's scoring deadline has passed"
        case .scoreDiscrepancy: "institution: a panel's scores diverge; one more reviewer is drawn"
        case .caseScored: "institution: a title case is scored (or an appeal re-scored: `stage` is `appeal`) and awaits the committee's ballot"
        case .voteVoid: "institution: the ballot had no quorum and is void; vote again"
        case .noticePublished: "institution: its round's results are on public notice"
        case .result: "applicant: their result, with `passed` and `appealsEnd`"
        case .objectionFiled: "institution: someone objected to a result on notice"
        case .resultSuspended: "applicant: an objection the institution upheld suspends their result; the committee votes on it again"
        case .resultReconsidered:
            "applicant: the committee's reconsideration of their suspended result, with `passed` and, for a failure, `appealsEnd`"
        case .appealDecided:
            "applicant: the re-review of their appeal decided, with `outcome` and `passed` (an appeal of ineligibility: `eligible` and `reason`)"
        case .finalResult: "applicant: their result is final and goes to the HR bureau"
        case .resultsToConfirm: "bureau: a finalized round awaits confirmation"
        case .certificateIssued: "applicant: their signed certificate is issued"
        case .certificateRevoked: "applicant: their certificate is revoked, with its `number`"
        case .sittingSeated:
            "applicant: their admission ticket: `ticket`, `site`, `room`, `seat`, the `schedule` of each part they sit, and the parts they `kept` from an earlier sitting"
        case .sittingChanged: "applicant: their sitting moved; the new `ticket`, `site`, `room`, `seat` and `schedule`"
        case .sittingCancelled: "applicant or reviewer: the sitting is cancelled, with its `reason`; candidates wait for another"
        case .sittingStaffed: "reviewer: they staff a sitting as `role` (in `room`), at `site`, with its `schedule`; sent again when it moves"
        case .sittingReleased: "reviewer: a changed sitting no longer needs them"
        case .sittingUnstaffed: "institution: its scheduled sitting could not be staffed from the pool, with the `reason`; change it or add examiners"
        case .appealSetApart:
            "institution: no fresh panel can be drawn for an appeal, with the `reason`; the case is set apart and the round finalizes without it"
        case .markDiscrepancy:
            "reviewer (the sitting's supervisor): a panel's marks of a `ticket`'s `part` spread by `spread`; confirm the mark to let it count"
        case .appealRemark: "reviewer: they are drawn to re-mark a skills appeal's `part` (`partName`), blind; it is in their re-marking list"
        case .correctionRequested:
            "institution: an applicant asks to correct what a checked application was filed with (`fields`); answer by `due`"
        case .correctionAnswered: "applicant: their correction request is `accepted` or `refused` (`outcome`), with the institution's `reason`"
        }
    }
}

/// Names as people and other offices write them.
public enum PersonName {
    /// Whether two writings name the same person: case, spaces and full-width spaces aside.
    public static func same(_ one: String, _ other: String) -> Bool {
        func normal(_ name: String) -> String { name.lowercased().filter { !$0.isWhitespace } }
        return !normal(one).isEmpty && normal(one) == normal(other)
    }
}

extension NotificationEvent {
    /// What the notification tells its reader, Chinese first, from its payload; ids and dates
    /// stay in the payload's own fields as well.
    public func text(_ payload: [String: String]) -> LocalizedText {
        let passed = payload["passed"] == "true"
        func value(_ key: String) -> String { payload[key] ?? "" }
        // A published result: a failure says until when it may be appealed.
        func outcome(_ lead: LocalizedText) -> LocalizedText {
            if payload["absent"] == "true" {
                return LocalizedText(
                    zh: "\(lead.zh)：缺考，未参加全部考核项目（记为缺考，不记为不合格）。", en: "\(lead.en): absent from a part (recorded as absent, not as failed).")
            }
            return passed
                ? LocalizedText(zh: "\(lead.zh)：通过。", en: "\(lead.en): passed.")
                : LocalizedText(
                    zh: "\(lead.zh)：未通过。如有异议，可于 \(value("appealsEnd")) 前申请复核。",
                    en: "\(lead.en): not passed. You may appeal until \(value("appealsEnd")).")
        }
        switch self {
        case .registered: return LocalizedText(zh: "您的账户已注册。", en: "Your account is registered.")
        case .eligible: return LocalizedText(zh: "您的申请已通过资格审查。", en: "Your application passed the eligibility check.")
        case .ineligible:
            return LocalizedText(zh: "您的申请未通过资格审查：\(value("reasons"))", en: "Your application failed the eligibility check: \(value("reasons"))")
        case .returnedForCorrection:
            return LocalizedText(
                zh: "您的申请经形式审查退回补正，请于 \(value("correctBy")) 前补正后重新提交：\(value("reasons"))",
                en: "Your application was returned for correction; correct it and resubmit by \(value("correctBy")): \(value("reasons"))")
        case .resubmitted:
            return LocalizedText(zh: "一份退回补正的申请已重新提交，待形式审查。", en: "An application returned for correction is back for its formal check.")
        case .eligibilityAppealFiled:
            return LocalizedText(
                zh: "申请人对资格审查结论提出复核，请在本轮截止受理前作出决定。", en: "An applicant appealed their ineligibility; decide it before the round closes.")
        case .roundOpened: return LocalizedText(zh: "评审轮次已开始受理申请。", en: "The round is open for applications.")
        case .roundClosed: return LocalizedText(zh: "评审轮次已停止受理申请。", en: "The round is closed to applications.")
        case .assigned: return LocalizedText(zh: "有一件申请分配给您评审，请在期限内评分。", en: "A case is assigned to you; score it by its deadline.")
        case .assignmentWithdrawn: return LocalizedText(zh: "一件评审任务已撤回，不再由您评审。", en: "A case is no longer assigned to you.")
        case .scoringReminder: return LocalizedText(zh: "一件申请的评分期限已过，请尽快评分。", en: "A case's scoring deadline has passed; score it now.")
        case .scoreDiscrepancy:
            return LocalizedText(
                zh: "一件申请的专家评分差距过大（\(value("spread")) 分），已增派一名专家。",
                en: "A panel's scores diverge by \(value("spread")) points; one more reviewer is drawn.")
        case .caseScored:
            return LocalizedText(
                zh: "一件申请已评分（\(value("score")) 分），待评审委员会表决。", en: "A case is scored (\(value("score"))) and awaits the committee's ballot.")
        case .voteVoid:
            return LocalizedText(
                zh: "表决未达法定人数，结果无效，请重新表决。", en: "The ballot had no quorum and is void; vote again.")
        case .noticePublished:
            return LocalizedText(zh: "评审结果已公示，公示期至 \(value("noticeEnds"))。", en: "The results are on public notice until \(value("noticeEnds")).")
        case .result: return outcome(LocalizedText(zh: "您的评审结果", en: "Your result"))
        case .objectionFiled: return LocalizedText(zh: "有人对公示结果提出异议，请核实处理。", en: "Someone objected to a result on notice; look into it.")
        case .resultSuspended:
            return LocalizedText(
                zh: "因异议经核实成立，您的结果暂缓公布，评审委员会将重新表决。",
                en: "An objection was found well founded: your result is suspended and the committee votes on it again.")
        case .resultReconsidered:
            return outcome(LocalizedText(zh: "评审委员会复议后，您的结果", en: "Reconsidered by the committee, your result"))
        case .appealDecided:
            if let eligible = payload["eligible"] {
                return eligible == "true"
                    ? LocalizedText(zh: "资格复核改变了原结论：您的申请符合条件。", en: "Your appeal overturned the ineligibility: the application is eligible.")
                    : LocalizedText(zh: "资格复核维持原结论：\(value("reason"))", en: "Your appeal of the ineligibility was not upheld: \(value("reason"))")
            }
            return passed
                ? LocalizedText(zh: "复核结论：通过。", en: "Your appeal is decided: passed.")
                : LocalizedText(zh: "复核结论：未通过。", en: "Your appeal is decided: not passed.")
        case .finalResult: return LocalizedText(zh: "您的结果已确定，报送人社部门。", en: "Your result is final and goes to the HR bureau.")
        case .resultsToConfirm: return LocalizedText(zh: "一个评审轮次的结果待确认备案。", en: "A finalized round awaits confirmation.")
        case .certificateIssued:
            return LocalizedText(zh: "您的证书已签发，编号 \(value("number"))。", en: "Your certificate \(value("number")) is issued.")
        case .certificateRevoked:
            return LocalizedText(zh: "您的证书 \(value("number")) 已被撤销。", en: "Your certificate \(value("number")) is revoked.")
        case .sittingSeated, .sittingChanged:
            let lead =
                self == .sittingSeated
                ? LocalizedText(zh: "您的技能等级认定考试已安排", en: "Your skills sitting is scheduled")
                : LocalizedText(zh: "您的技能等级认定考试安排已变更", en: "Your skills sitting has moved")
            let kept =
                value("kept").isEmpty
                ? LocalizedText(zh: "", en: "")
                : LocalizedText(zh: "；保留合格成绩、无需再考：\(value("kept"))", en: "; kept from an earlier sitting, not sat again: \(value("keptEnglish"))")
            return LocalizedText(
                zh: "\(lead.zh)：准考证号 \(value("ticket"))，考点 \(value("site"))，考场 \(value("room")) 第 \(value("seat")) 座；\(value("schedule"))\(kept.zh)。",
                en:
                    "\(lead.en): admission ticket \(value("ticket")), site \(value("site")), room \(value("room")), seat \(value("seat")); \(value("scheduleEnglish"))\(kept.en)."
            )
        case .sittingCancelled:
            return LocalizedText(zh: "技能等级认定考试已取消：\(value("reason"))", en: "The skills sitting is cancelled: \(value("reasonEnglish"))")
        case .sittingStaffed:
            return LocalizedText(
                zh: "您受派在考点 \(value("site")) 担任\(value("roleName"))\(value("room").isEmpty ? "" : "（考场 \(value("room"))）")：\(value("schedule"))。",
                en:
                    "You staff the sitting at site \(value("site")) as \(value("role"))\(value("room").isEmpty ? "" : " in room \(value("room"))"): \(value("scheduleEnglish"))."
            )
        case .sittingReleased:
            return LocalizedText(zh: "考场安排变更，您不再担任该场考试的考务工作。", en: "The sitting has changed and no longer needs you.")
        case .appealSetApart:
            return LocalizedText(
                zh: "一件复核无法抽取新的评审专家组，已单独列出处理，本轮次不再等待：\(value("reason"))",
                en: "No fresh panel can be drawn for an appeal; it is set apart and the round no longer waits for it: \(value("reasonEnglish"))")
        case .correctionRequested:
            return LocalizedText(
                zh: "申请人请求更正一份已审查申请的申报信息，请于 \(value("due")) 前答复。",
                en: "An applicant asks to correct what a checked application was filed with; answer by \(value("due")).")
        case .correctionAnswered:
            return value("outcome") == RecordCorrection.Outcome.accepted.rawValue
                ? LocalizedText(
                    zh: "您的更正申请已被接受，申请已按更正后的信息保存。", en: "Your correction was accepted; the application now carries your corrected record.")
                : LocalizedText(
                    zh: "您的更正申请未被接受：\(value("reason"))", en: "Your correction was refused: \(value("reason"))")
        case .appealRemark:
            return LocalizedText(
                zh: "您受派参加一件技能等级认定复核，重新评定\(value("partName"))，请在复核评分列表中评分。",
                en: "You are drawn to re-mark the \(value("partEnglish")) of a skills appeal; mark it in your re-marking list.")
        case .markDiscrepancy:
            return LocalizedText(
                zh: "准考证号 \(value("ticket")) 的\(value("partName"))评分差距过大（\(value("spread")) 分），请核查后确认。",
                en: "The marks of ticket \(value("ticket"))'s \(value("part")) diverge by \(value("spread")) points; look into them and confirm.")
        case .sittingUnstaffed:
            return LocalizedText(
                zh: "考场安排无法从考评人员库配齐人员：\(value("reason"))。请调整安排或补充考评人员。",
                en: "The sitting cannot be staffed from the pool: \(value("reasonEnglish")). Change it or add examiners.")
        }
    }
}
