/// How the queue names a database failure in its logs and job errors, for its users' logs too.
@_exported import struct PostgresSupport.DatabaseErrorSummary
