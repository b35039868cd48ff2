-- Each queue minute by minute, kept a day: how many jobs waited and the oldest one's wait (the
-- most seen in the minute), and how many completed in it. The dashboard charts the last hour.
CREATE TABLE queue_stats_history (
    queue              text             NOT NULL,
    minute             timestamptz      NOT NULL,
    available          bigint           NOT NULL DEFAULT 0,
    oldest_age_seconds double precision,
    completed          bigint           NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, minute)
);
CREATE INDEX queue_stats_history_minute_idx ON queue_stats_history (minute);
