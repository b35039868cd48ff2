import AssessmentStore
import JobQueue
import Notify

/// The HTTP API for applicants, institutions, reviewers and the HR bureau (issue 7).
public enum AssessmentAPI {}
