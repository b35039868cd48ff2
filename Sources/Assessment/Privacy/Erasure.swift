/// What may be deleted when an applicant asks for their personal data to be deleted (PIPL art.
/// 47), and what must be kept, with the reason: granted for what no rule requires us to keep.
public enum Erasure {
    /// One application as the decision sees it.
    public struct Application: Sendable, Equatable {
        public let id: Int64
        /// Its round has ended (finalized or confirmed): no stage, notice or appeal is pending.
        public let roundEnded: Bool
        /// A certificate was issued for it (valid or revoked): verifying it needs the application
        /// and the holder's registration.
        public let certified: Bool

        public init(id: Int64, roundEnded: Bool, certified: Bool) {
            (self.id, self.roundEnded, self.certified) = (id, roundEnded, certified)
        }
    }

    /// How a request was answered.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Everything was deleted, the account with it.
        case granted
        /// Some was deleted; the rest is kept for the reasons given.
        case partly
        /// Nothing was deleted, for the reasons given.
        case refused
    }

    /// The answer to a request.
    public struct Decision: Sendable, Equatable {
        public let outcome: Outcome
        /// The applications to delete, with everything about them.
        public let applications: [Int64]
        /// Whether the registration, password, sessions, consents and notifications go too.
        public let account: Bool
        /// Why anything is kept.
        public let reasons: [LocalizedText]
    }

    /// Decides a request. While an application is being evaluated nothing is deleted: the round
    /// needs it, and deleting half of a case would leave panels and ballots inconsistent. A
    /// certified application stays with the registration as long as the certificate can be
    /// verified, and a bar for fraud until it ends; everything else goes.
    public static func decide(applications: [Application], barredUntil: CalendarDate?, today: CalendarDate) -> Decision {
        let pending = applications.filter { !$0.roundEnded }.map(\.id)
        if !pending.isEmpty {
            let list = pending.map(String.init).joined(separator: ", ")
            return Decision(
                outcome: .refused, applications: [], account: false,
                reasons: [
                    LocalizedText(
                        zh: "申报（编号 \(list)）仍在评审中：评审需要这些信息，请在评审轮次结束后再申请删除",
                        en: "application \(list) is still being evaluated, which needs this data: ask again once its round has ended")
                ])
        }
        var reasons: [LocalizedText] = []
        let certified = applications.filter(\.certified).map(\.id)
        if !certified.isEmpty {
            reasons.append(
                LocalizedText(
                    zh: "已获证书的申报（编号 \(certified.map(String.init).joined(separator: "、"))）及核验所需的注册信息须在证书有效期间保存",
                    en:
                        "the certified application \(certified.map(String.init).joined(separator: ", ")) and the registration needed to verify its certificate are kept while it can be verified"
                ))
        }
        if let barredUntil, barredUntil >= today {
            reasons.append(
                LocalizedText(
                    zh: "因弄虚作假被禁止申报至 \(barredUntil)：禁止期内须保存注册信息", en: "a bar for fraud runs until \(barredUntil): the registration is kept until then"
                ))
        }
        let deletable = applications.filter { !$0.certified }.map(\.id)
        let account = reasons.isEmpty
        let outcome: Outcome = account ? .granted : (deletable.isEmpty ? .refused : .partly)
        return Decision(outcome: outcome, applications: deletable, account: account, reasons: reasons)
    }
}
