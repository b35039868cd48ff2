import PostgresNIO

/// A Swift enum stored as a PostgreSQL enum value, passed as text and cast in SQL.
public protocol PostgresCodableEnum: RawRepresentable<String>, PostgresDecodable, PostgresNonThrowingEncodable {}

extension PostgresCodableEnum {
    /// Sent as text; the query casts it to the enum type.
    public static var psqlType: PostgresDataType { .text }
    /// Text and binary forms of text are the same bytes.
    public static var psqlFormat: PostgresFormat { .binary }

    /// Encodes the raw value.
    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(rawValue)
    }

    /// Decodes from an enum or text column.
    public init<JSONDecoder: PostgresJSONDecoder>(
        from byteBuffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard let text = byteBuffer.readString(length: byteBuffer.readableBytes), let value = Self(rawValue: text) else {
            throw PostgresDecodingError.Code.failure
        }
        self = value
    }
}
