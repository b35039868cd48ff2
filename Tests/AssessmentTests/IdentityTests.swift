import Assessment
import Testing

/// Builds a resident ID with a correct check character, computed here independently of the code under test.
func residentID(region: String = "310104", birth: String, sequence: String = "123") -> String {
    let body = region + birth + sequence
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(body, weights).map { Int(String($0.0))! * $0.1 }.reduce(0, +)
    return body + String(Array("10X98765432")[sum % 11])
}

func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

@Suite("Identity documents")
struct IdentityTests {
    @Test("a resident ID with the right check character and matching birth date is accepted")
    func validResidentID() throws {
        // 11010519491231002X is the worked example of GB 11643, with X as its check character.
        let example = try IdentityDocument(kind: .residentID, number: "11010519491231002x", declaredBirthDate: date("1949-12-31"))
        #expect(example.number == "11010519491231002X")
        #expect(example.masked == "**************002X")
        let id = residentID(birth: "20080229")
        _ = try IdentityDocument(kind: .residentID, number: id, declaredBirthDate: date("2008-02-29"))
    }

    @Test("each fault in a resident ID gets its own error, which never repeats the number")
    func invalidResidentIDs() {
        let good = residentID(birth: "19900315")
        let wrongCheck = String(good.dropLast()) + (good.last == "0" ? "1" : "0")
        let cases: [(String, CalendarDate, IdentityError.Code)] = [
            (String(good.dropLast()), date("1990-03-15"), .wrongLength),
            ("31010419900315A123", date("1990-03-15"), .malformed),
            (wrongCheck, date("1990-03-15"), .checksumMismatch),
            (residentID(birth: "19900230"), date("1990-03-15"), .birthDateInvalid),
            (good, date("1990-03-16"), .birthDateMismatch),
        ]
        for (number, birth, code) in cases {
            #expect {
                try IdentityDocument(kind: .residentID, number: number, declaredBirthDate: birth)
            } throws: { error in
                guard let error = error as? IdentityError else { return false }
                return error.code == code && !error.message.contains(number) && !error.message.contains(number.prefix(10))
            }
        }
    }

    @Test("foreign documents: passports need a country, permanent residence IDs start with 9, permits with 81/82/83")
    func foreignDocuments() throws {
        let birth = date("1985-06-01")
        let passport = try IdentityDocument(kind: .passport, number: "p1234 5678", issuingCountry: "gbr", declaredBirthDate: birth)
        #expect(passport.number == "P12345678" && passport.issuingCountry == "GBR")
        #expect(throws: IdentityError.self) { try IdentityDocument(kind: .passport, number: "P12345678", declaredBirthDate: birth) }
        #expect(throws: IdentityError.self) {
            try IdentityDocument(kind: .passport, number: "P1-2345", issuingCountry: "USA", declaredBirthDate: birth)
        }
        _ = try IdentityDocument(
            kind: .foreignPermanentResidenceID, number: residentID(region: "931586", birth: "19850601"),
            declaredBirthDate: birth)
        #expect(throws: IdentityError.self) {
            try IdentityDocument(kind: .foreignPermanentResidenceID, number: residentID(birth: "19850601"), declaredBirthDate: birth)
        }
        _ = try IdentityDocument(
            kind: .hongKongMacaoTaiwanResidencePermit, number: residentID(region: "810000", birth: "19850601"),
            declaredBirthDate: birth)
        #expect(throws: IdentityError.self) {
            try IdentityDocument(
                kind: .hongKongMacaoTaiwanResidencePermit, number: residentID(region: "840000", birth: "19850601"),
                declaredBirthDate: birth)
        }
    }

    @Test("permanent residence IDs and residence permits carry the birth date like resident IDs, and it must match")
    func embeddedBirthDates() {
        let adult = date("1990-06-01")
        let cases: [(IdentityDocument.Kind, String, IdentityError.Code)] = [
            (.foreignPermanentResidenceID, residentID(region: "931586", birth: "20110601"), .birthDateMismatch),
            (.hongKongMacaoTaiwanResidencePermit, residentID(region: "810000", birth: "20110601"), .birthDateMismatch),
            (.foreignPermanentResidenceID, residentID(region: "931586", birth: "19901301"), .birthDateInvalid),
            (.hongKongMacaoTaiwanResidencePermit, residentID(region: "820000", birth: "18990601"), .birthDateInvalid),
            (.residentID, residentID(region: "931586", birth: "19900601"), .malformed),
            (.residentID, residentID(region: "830000", birth: "19900601"), .malformed),
        ]
        for (kind, number, code) in cases {
            #expect("\(kind) \(code)") {
                try IdentityDocument(kind: kind, number: number, declaredBirthDate: adult)
            } throws: { error in
                (error as? IdentityError)?.code == code && !"\(error)".contains(number)
            }
        }
    }

    @Test("one 18-character number has one look-up name whatever its kind; passports are named by country and number")
    func lookupNames() throws {
        let birth = date("1985-06-01")
        let number = residentID(region: "931586", birth: "19850601")
        let permanent = try IdentityDocument(kind: .foreignPermanentResidenceID, number: number, declaredBirthDate: birth)
        #expect(permanent.lookupName == IdentityDocument.lookupName(kind: .residentID, number: number.lowercased(), issuingCountry: nil))
        #expect(permanent.lookupName == IdentityDocument.lookupName(kind: .hongKongMacaoTaiwanResidencePermit, number: number, issuingCountry: nil))
        let british = try IdentityDocument(kind: .passport, number: "P1234567", issuingCountry: "GBR", declaredBirthDate: birth)
        let american = try IdentityDocument(kind: .passport, number: "P1234567", issuingCountry: "USA", declaredBirthDate: birth)
        #expect(british.lookupName != american.lookupName)
        #expect(british.lookupName == IdentityDocument.lookupName(kind: .passport, number: "p1234567", issuingCountry: "gbr"))
    }
}

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test("age turns on the birthday, also for those born on 29 February")
    func ageAcrossLeapDays() {
        let birth = date("2010-03-15")
        #expect(birth.wholeYears(until: date("2026-03-14")) == 15)
        #expect(birth.wholeYears(until: date("2026-03-15")) == 16)
        let leapling = date("2008-02-29")
        #expect(leapling.wholeYears(until: date("2024-02-28")) == 15)
        #expect(leapling.wholeYears(until: date("2024-02-29")) == 16)
        #expect(leapling.wholeYears(until: date("2025-02-28")) == 16)
        #expect(leapling.wholeYears(until: date("2026-02-28")) == 17)
        #expect(leapling.wholeYears(until: date("2025-03-01")) == 17)
    }

    @Test("day numbers, weekdays and parsing agree with the calendar")
    func dayArithmetic() throws {
        #expect(date("1970-01-01").dayNumber == 0)
        #expect(date("2000-03-01").dayNumber - date("2000-02-28").dayNumber == 2)
        #expect(date("1900-03-01").dayNumber - date("1900-02-28").dayNumber == 1)
        #expect(date("2026-11-22").isoWeekday == 7)
        #expect(date("2026-11-23").isoWeekday == 1)
        for day in stride(from: -1000, to: 30_000, by: 37) {
            #expect(CalendarDate(dayNumber: day)?.dayNumber == day)
        }
        #expect(CalendarDate(iso: "2025-02-29") == nil)
        #expect(CalendarDate(iso: "2024-2-01") == nil)
        #expect(try date("2024-02-29").adding(years: 1) == date("2025-02-28"))
    }

    @Test("dates stay within 1900-2200, and arithmetic past either end is refused, never trapped on")
    func dateBounds() throws {
        #expect(CalendarDate(iso: "1899-12-31") == nil)
        #expect(CalendarDate(iso: "2201-01-01") == nil)
        #expect(CalendarDate(dayNumber: Int.max) == nil)
        #expect(CalendarDate(dayNumber: Int.min) == nil)
        #expect(try date("2200-12-30").adding(days: 1) == date("2200-12-31"))
        #expect(throws: CalendarError.self) { try date("2200-12-31").adding(days: 1) }
        #expect(throws: CalendarError.self) { try date("1900-01-01").adding(days: -1) }
        #expect(throws: CalendarError.self) { try date("2026-09-29").adding(days: Int.max) }
        #expect(throws: CalendarError.self) { try date("2026-09-29").adding(days: Int.min) }
        #expect(throws: CalendarError.self) { try date("2026-09-29").adding(years: Int.max) }
        #expect(throws: CalendarError.self) { try WorkingCalendar().workingDay(-1, after: date("2026-09-29")) }
        var policy = Policy()
        policy.appealWindowDays = Int.max
        #expect(throws: CalendarError.self) {
            try Appeals.windowEnds(resultNotifiedOn: date("2026-09-29"), policy: policy, calendar: WorkingCalendar())
        }
        let everyDayOff = WorkingCalendar(holidays: Set((0..<180).map { CalendarDate(dayNumber: date("2200-07-01").dayNumber + $0)! }))
        #expect(throws: CalendarError.self, "a calendar with no working day left ends at 2200, it does not loop") {
            try everyDayOff.workingDay(5, after: date("2200-07-01"))
        }
    }
}
