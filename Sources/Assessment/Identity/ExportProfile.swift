/// What an export of a round's confirmed results carries. The Personal Information Protection Law
/// allows only what the purpose needs (最小必要), so each purpose has its own columns and rows, and an
/// identity number leaves in full only for the bureau and only where the receiving side identifies
/// people by it.
public struct ExportProfile: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case application, name, document, birthDate, employer, qualification, level, specialty, score, result, certificate, issuedOn
    }

    /// The columns, in order.
    public let fields: [Field]
    /// Whether identity numbers are unsealed; masked otherwise.
    public let fullDocuments: Bool
    /// Whether only passed results are exported.
    public let passedOnly: Bool

    public init(purpose: ExportPurpose, byBureau: Bool) {
        switch purpose {
        case .nationalFiling:
            // The national systems record who holds which qualification under which certificate,
            // keyed by the identity number (which carries the birth date); a failure is not filed
            // and a score is not asked for.
            fields = [.application, .name, .document, .employer, .qualification, .level, .specialty, .certificate, .issuedOn]
            (fullDocuments, passedOnly) = (byBureau, true)
        case .archive:
            // A personnel archive is matched by name and employer: the number stays masked, even for
            // the bureau, and the birth date stays home.
            fields = [.application, .name, .document, .employer, .qualification, .level, .specialty, .score, .result, .certificate, .issuedOn]
            (fullDocuments, passedOnly) = (false, false)
        case .verification:
            // A complaint, petition or court request is about one case's every fact.
            fields = Field.allCases
            (fullDocuments, passedOnly) = (byBureau, false)
        }
    }

    /// The columns and rows as one sentence, for the audit log and the export form.
    public var summary: (zh: String, en: String) {
        let documents = fullDocuments ? ("证件号码完整", "identity numbers in full") : ("证件号码掩码", "identity numbers masked")
        let rows = passedOnly ? ("仅通过者", "passed results only") : ("全部结果", "every result")
        return ("\(rows.0)，\(documents.0)", "\(rows.1), \(documents.1)")
    }
}
