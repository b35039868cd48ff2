/// The privacy notice applicants accept, in Chinese and English, versioned. A published version is
/// never edited: a change is a new version, and everyone who accepted an older one is asked again
/// at their next sign-in (PIPL art. 14: a change of purpose, means or kind of data needs consent anew).
public struct PrivacyNotice: Sendable {
    /// The version number, from 1, one higher per change.
    public let version: Int
    /// The day it took effect.
    public let effective: CalendarDate
    /// The notice itself.
    public let text: LocalizedText

    /// Every version, oldest first; the last is in force.
    public static let versions: [PrivacyNotice] = [
        PrivacyNotice(
            version: 1, effective: CalendarDate(year: 2026, month: 12, day: 7)!,
            text: LocalizedText(
                zh: """
                    个人信息保护说明（第 1 版）

                    一、处理者与目的：本系统由评价机构和人力资源社会保障部门使用，仅为职称评审和职业技能等级认定处理您的个人信息：核验身份与申报条件、组织评审或考核、公示结果、颁发和核验证书。

                    二、处理的信息：姓名、身份证件类型与号码、出生日期、学历、工作单位、已取得的职称与职业技能等级、工作年限、申报材料与作品、评审与考核结果、登录记录。

                    三、敏感个人信息：身份证件号码属于敏感个人信息，需要您单独同意。号码加密保存，页面只显示打码后的号码；每次解密（发证、向国家系统报送、核查）都会记录何人、何时、为何目的，人社部门可以查阅。

                    四、向他人提供：您申报的评价机构和确认结果的人社部门会获得您的申报信息和评审结果，需要您单独同意。评审专家只看到匿名案卷，看不到您的姓名、证件和工作单位。公示只显示打码后的信息。

                    五、保存期限：未通过的申报及其材料在评审轮次结束一年后删除；登录失败记录和登录凭证保存 30 天；通知内容保存 30 天；证书及核验所需信息在证书有效期间保存。

                    六、您的权利：您可以查阅、复制、更正和删除您的个人信息，也可以撤回同意；撤回不影响撤回前已进行的处理。法律法规要求保存的信息除外，届时我们会说明理由。

                    七、年龄：全媒体运营师职业技能等级认定面向年满 16 周岁的人员。

                    八、变更：本说明变更时发布新版本，您下次登录时需重新阅读并同意。
                    """,
                en: """
                    Privacy notice (version 1)

                    1. Who and why: evaluation institutions and the human resources and social security bureau use this system to process your personal information only for professional title evaluation and vocational skills certification: checking your identity and eligibility, running reviews and assessments, publishing results, and issuing and verifying certificates.

                    2. What: your name, identity document type and number, birth date, education, employer, titles and skill levels held, years of work, your application materials and works, review and assessment results, and sign-in records.

                    3. Sensitive information: your identity document number is sensitive personal information and needs your separate consent. It is stored encrypted and shown masked; every time it is decrypted (for a certificate, a filing with national systems, a check) who did it, when and why is recorded, and the bureau can read that record.

                    4. Sharing: the institution you apply to and the bureau that confirms results receive your application and its results, which needs your separate consent. Reviewers see blind cases without your name, document or employer. Public notices show masked details only.

                    5. How long: unsuccessful applications and their materials are deleted one year after their round closes; failed sign-ins and sign-in tokens are kept 30 days; notification contents 30 days; certificates and what verifying them needs, as long as they are valid.

                    6. Your rights: you may see, copy, correct and delete your personal information, and withdraw your consent; a withdrawal does not affect what was done before it. Information the law requires us to keep is excepted, and we tell you why.

                    7. Age: Omni-Media Operation Specialist certification is open to people aged 16 and over.

                    8. Changes: a change is published as a new version, and you are asked to read and accept it at your next sign-in.
                    """))
    ]

    /// The version in force.
    public static var current: PrivacyNotice { versions[versions.count - 1] }

    /// A published version, or nil.
    public static func version(_ number: Int) -> PrivacyNotice? {
        versions.first { $0.version == number }
    }
}
