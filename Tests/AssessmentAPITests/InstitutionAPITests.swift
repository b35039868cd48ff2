import AssessmentStore
import Crypto
import Foundation
import TestSupport
import Testing
import Workflow

@Suite("Institutions and certificates: filed codes, Chinese wording, offline verification, the fraud bar")
struct InstitutionAPITests {
    static let association = #"""
        {"id": "media-assoc", "name": "上海网络视听行业协会", "kind": "S", "agencyCode": "0207", "provinceCode": "31",
         "sites": ["000301", "000302"], "occupations": ["4-13-01-05"]}
        """#

    @Test("the bureau files institutions; a round stays within what its institution may evaluate and names one of its sites")
    func filing() async throws {
        try await API.with { api in
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-7")
            let filed = try await api.request(.POST, "/v1/institutions", token: bureau, json: Self.association)
            #expect(filed.status == 201, "\(filed.body)")
            let twice = try await api.request(.POST, "/v1/institutions", token: bureau, json: Self.association)
            #expect(twice.status == 409 && twice.fields == ["id"], "the id is taken: \(twice.body)")
            let copycat = try await api.request(
                .POST, "/v1/institutions", token: bureau, json: Self.association.replacingOccurrences(of: "media-assoc", with: "copycat"))
            #expect(copycat.status == 409 && copycat.fields == ["agencyCode"], "the codes are taken: \(copycat.body)")
            let badCode = try await api.request(
                .POST, "/v1/institutions", token: bureau,
                json: #"{"id": "x", "name": "x", "kind": "S", "agencyCode": "27", "provinceCode": "31", "sites": ["000001"], "series": ["art"]}"#)
            #expect(badCode.status == 422 && badCode.fields == ["agencyCode"], "\(badCode.body)")
            let badKind = try await api.request(
                .POST, "/v1/institutions", token: bureau,
                json: #"{"id": "x", "name": "x", "kind": "Q", "agencyCode": "0001", "provinceCode": "31", "sites": ["000001"], "series": ["art"]}"#)
            #expect(badKind.status == 422 && badKind.fields == ["kind"], "\(badKind.body)")
            let institution = try await api.workflow.issueToken(role: .institution, subject: "media-assoc")
            #expect(try await api.request(.POST, "/v1/institutions", token: institution, json: Self.association).status == 403)

            let listed = try await api.request(.GET, "/v1/institutions?limit=10", token: bureau)
            let items = try #require(listed.json["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["agencyCode"] as? String == "0207" && items[0]["sites"] as? [String] == ["000301", "000302"])
            let replaced = try await api.request(
                .PUT, "/v1/institutions/media-assoc", token: bureau,
                json: Self.association.replacingOccurrences(
                    of: #""occupations": ["4-13-01-05"]"#, with: #""occupations": ["4-13-01-05"], "series": ["cultural_relics_museums"]"#))
            #expect(replaced.status == 204, "\(replaced.body)")
            #expect(try await api.request(.PUT, "/v1/institutions/nobody", token: bureau, json: Self.association).status == 404)

            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            let art = try await api.request(
                .POST, "/v1/rounds", token: institution, json: #"{"name": "r", "track": "title", "field": "art", "startDate": "\#(today)"}"#)
            #expect(art.status == 422 && art.fields == ["field"] && art.body.contains("is filed to evaluate"), "\(art.body)")
            let otherSite = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"{"name": "r", "track": "skill", "field": "4-13-01-05", "startDate": "\#(today)", "site": "000999"}"#)
            #expect(otherSite.status == 422 && otherSite.fields == ["site"], "\(otherSite.body)")
            let sitting = try await api.request(
                .POST, "/v1/rounds", token: institution,
                json: #"{"name": "r", "track": "skill", "field": "4-13-01-05", "startDate": "\#(today)", "site": "000302"}"#)
            #expect(sitting.status == 201, "\(sitting.body)")
        }
    }

    @Test("a skills certificate's number carries its institution's codes; the public view verifies offline; fraud bars titles for 3 years")
    func certificates() async throws {
        try await API.with { api in
            let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-7")
            _ = try await api.request(
                .POST, "/v1/institutions", token: bureau,
                json: Self.association.replacingOccurrences(
                    of: #""occupations": ["4-13-01-05"]"#, with: #""occupations": ["4-13-01-05"], "series": ["cultural_relics_museums"]"#))
            let institution = try await api.workflow.issueToken(role: .institution, subject: "media-assoc")
            let today = try await clearOfShanghaiMidnight { try RoundRecord.today() }
            let sitting = try #require(
                try await api.request(
                    .POST, "/v1/rounds", token: institution,
                    json: #"{"name": "s", "track": "skill", "field": "4-13-01-05", "startDate": "\#(today)", "site": "000302"}"#
                ).json["id"] as? Int)
            let titles = try #require(
                try await api.request(
                    .POST, "/v1/rounds", token: institution,
                    json: #"{"name": "t", "track": "title", "field": "cultural_relics_museums", "startDate": "\#(today)"}"#
                ).json["id"] as? Int)
            let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: "王小明"))
            let applicant = try #require(registered.json["token"] as? String)
            let applied = try await api.request(
                .POST, "/v1/applications", token: applicant,
                json:
                    #"{"round": \#(sitting), "target": {"track": "skill", "occupation": "4-13-01-05", "level": 4, "direction": "creative_planning"}}"#
            )
            let application = Int64(try #require(applied.json["id"] as? Int))
            try await api.client.query("UPDATE applications SET state = 'decided', passed = true WHERE id = \(application)")
            let signer = BureauSigner.ephemeral()
            let number = try await api.client.withConnection { connection in
                try await api.workflow.store.issueCertificate(
                    application: application, issuedOn: today, rehearsal: false, signer: signer, on: connection)
            }
            let year = String(format: "%02d", today.year % 100)
            #expect(number == "S020731000302\(year)4000001", "kind, agency, province, site, year, level, sequence: \(number)")

            let view = try await api.request(.GET, "/v1/certificates/\(number)?name=%E7%8E%8B%E5%B0%8F%E6%98%8E")
            #expect(view.status == 200 && view.json["status"] as? String == "valid", "\(view.body)")
            #expect(view.json["qualification"] as? String == "全媒体运营师（创意策划）" && view.json["level"] as? String == "四级/中级工")
            #expect(view.json["levelEnglish"] as? String == "Level 4 / Intermediate Worker")
            // Offline: the payload, the signature and the key published at the well-known address are all it takes.
            let verification = try #require(view.json["verification"] as? [String: Any])
            let keys = try await api.request(.GET, "/.well-known/assess/bureau-keys.json")
            let key = try #require((keys.json["keys"] as? [[String: Any]])?.first { $0["id"] as? String == verification["keyId"] as? String })
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: key["publicKey"] as? String ?? "")))
            let payload = try #require(Data(base64Encoded: verification["payload"] as? String ?? ""))
            let signature = try #require(Data(base64Encoded: verification["signature"] as? String ?? ""))
            #expect(publicKey.isValidSignature(signature, for: payload))
            #expect(String(decoding: payload, as: UTF8.self).contains("全媒体运营师（创意策划）"), "the payload is the signed Chinese text")
            var forged = payload
            forged[forged.count - 1] ^= 1
            #expect(!publicKey.isValidSignature(signature, for: forged))

            let badGrounds = try await api.request(
                .POST, "/v1/certificates/\(number)/revoke", token: bureau, json: #"{"reason": "x", "grounds": "whim"}"#)
            #expect(badGrounds.status == 422 && badGrounds.fields == ["grounds"], "\(badGrounds.body)")
            _ = try await api.client.withConnection { connection in
                try await api.workflow.store.revokeCertificate(
                    number: number, grounds: .fraud, reason: "the portfolio was someone else's", on: connection)
            }
            let revoked = try await api.request(.GET, "/v1/certificates/\(number)?name=%E7%8E%8B%E5%B0%8F%E6%98%8E")
            #expect(revoked.json["status"] as? String == "revoked")
            let barred = try await api.request(
                .POST, "/v1/applications", token: applicant,
                json: #"{"round": \#(titles), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#)
            let until = try TitleBar.lastDay(revokedOn: today)
            #expect(barred.status == 409 && barred.body.contains("until after \(until)"), "\(barred.body)")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM title_bars") == 1)
        }
    }
}
