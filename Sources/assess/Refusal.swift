import ArgumentParser
import Assessment

/// A command's refusal, Chinese first with the English alongside, as people read what we write.
func refusal(zh chinese: String?, _ english: String) -> ValidationError {
    ValidationError(chinese.map { LocalizedText(zh: $0, en: english).both } ?? english)
}
