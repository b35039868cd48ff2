import AssessmentStore
import JobQueue
import Notify

/// The assessment workflow's job handlers, one file per job kind (issue 5).
public enum Workers {}
