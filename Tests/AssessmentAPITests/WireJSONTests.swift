import Testing

@Suite("The tests' JSON reader")
struct WireJSONTests {
    @Test("reads what the wire carries, keeping whole numbers, other numbers and booleans apart")
    func readsTheWire() {
        let text = #" {"a": [1, -2, 3.5, 1e3, 9223372036854775808, true, false, null], "b": "x\"\\\/\n\u4e2d\ud83d\ude00", "c": {}, "d": []} "#
        #expect(
            JSON.parse(text)
                == .object([
                    "a": .array([
                        .integer(1), .integer(-2), .number(3.5), .number(1000), .number(9_223_372_036_854_775_808), .bool(true), .bool(false), .null,
                    ]),
                    "b": .string("x\"\\/\n中😀"), "c": .object([:]), "d": .array([]),
                ]))
    }

    @Test("refuses what is not JSON")
    func refusesTheRest() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\u{01}\"", "\"\\ud83d\"", "tru", "[1] 2", "{'a': 1}"] {
            #expect(JSON.parse(text) == nil, "\(text)")
        }
    }
}
