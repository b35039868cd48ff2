import Assessment

/// The domain's tables: loads and saves `Assessment` values inside a caller's transaction (issue 5).
public enum AssessmentStore {}
