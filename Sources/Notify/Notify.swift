/// TLS-only delivery of signed notifications to subscribed HTTPS endpoints (issue 6).
public enum Notify {}
