// The vocabulary of the workflow's commands and queries, so that an edge (the API, the CLI)
// needs no import of the store or the queue to call them: the domain's values, and the records
// the store reads back. The store's functions stay out of reach.
@_exported import Assessment

@_exported import struct AssessmentStore.AdmissionTicket
@_exported import struct AssessmentStore.ApplicantRecord
@_exported import struct AssessmentStore.ApplicantRegistration
@_exported import struct AssessmentStore.ApplicationRecord
@_exported import struct AssessmentStore.AwaitingAppeal
@_exported import struct AssessmentStore.BallotSheetRecord
@_exported import struct AssessmentStore.BlindCase
@_exported import struct AssessmentStore.BureauSigner
@_exported import struct AssessmentStore.CertificateListing
@_exported import struct AssessmentStore.CertificateRecord
@_exported import struct AssessmentStore.ConsentRecord
@_exported import struct AssessmentStore.Correction
@_exported import struct AssessmentStore.CorrectionRequest
@_exported import struct AssessmentStore.DeclaredRecord
@_exported import struct AssessmentStore.Dossier
@_exported import struct AssessmentStore.EvidenceFile
@_exported import struct AssessmentStore.ExpertRecord
@_exported import enum AssessmentStore.FormalCheckDecision
@_exported import struct AssessmentStore.MarkingRecord
@_exported import struct AssessmentStore.MeetingRecord
@_exported import struct AssessmentStore.NoticeEntry
@_exported import enum AssessmentStore.ObjectionLimits
@_exported import struct AssessmentStore.ObjectionRecord
@_exported import struct AssessmentStore.PartResultRecord
@_exported import struct AssessmentStore.PersonalDataVault
@_exported import struct AssessmentStore.PrivacyRequestRecord
@_exported import struct AssessmentStore.RemarkRecord
@_exported import struct AssessmentStore.ResultRow
@_exported import enum AssessmentStore.ReviewStage
@_exported import struct AssessmentStore.RoundDraft
@_exported import struct AssessmentStore.RoundRecord
@_exported import struct AssessmentStore.RoundStatistics
@_exported import struct AssessmentStore.RoundSummary
@_exported import struct AssessmentStore.SeatRecord
@_exported import struct AssessmentStore.SignedPledge
@_exported import struct AssessmentStore.SittingRecord
@_exported import struct AssessmentStore.SittingStaffRecord
@_exported import struct AssessmentStore.StoreError
@_exported import enum AssessmentStore.VoteStage
// What an operator's route and the queue dashboard read and do of the queue.
@_exported import struct JobQueue.ClusterStatus
@_exported import struct JobQueue.CronEntry
@_exported import struct JobQueue.DatabaseErrorSummary
@_exported import struct JobQueue.DecodingErrorSummary
@_exported import struct JobQueue.EnqueuedJob
@_exported import struct JobQueue.JSONObjectText
@_exported import enum JobQueue.JSONText
@_exported import struct JobQueue.JobLatencies
@_exported import struct JobQueue.JobLimit
@_exported import struct JobQueue.JobQueueClient
@_exported import struct JobQueue.JobQueueError
@_exported import struct JobQueue.JobRecord
@_exported import enum JobQueue.JobState
@_exported import struct JobQueue.QueueMinute
@_exported import struct JobQueue.QueueStats
@_exported import struct JobQueue.RunningProgress
