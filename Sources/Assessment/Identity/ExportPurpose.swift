/// Why a round's results leave the system with the people in them: the Personal Information
/// Protection Law lets personal data be processed only for a stated purpose, so every export
/// names one, and the audit log keeps it beside every identity number unsealed for it.
public enum ExportPurpose: String, Sendable, Hashable, CaseIterable {
    /// Filing the results with the national systems (全国专业技术人才/职业技能等级信息系统).
    case nationalFiling = "national_filing"
    /// The personnel archive of the people concerned (人事档案归档).
    case archive
    /// Looking into a complaint, a petition or a court's request (核查).
    case verification

    public var chineseName: String {
        switch self {
        case .nationalFiling: "报送全国信息系统"
        case .archive: "人事档案归档"
        case .verification: "投诉、信访或司法核查"
        }
    }

    public var englishName: String {
        switch self {
        case .nationalFiling: "filing with the national systems"
        case .archive: "the personnel archive"
        case .verification: "looking into a complaint, petition or court request"
        }
    }
}
