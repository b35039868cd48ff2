import Workflow

/// The API's OpenAPI 3.1 description, its numeric ranges written from `Bounds`, served at /openapi.json. A test fails when a route of
/// `APIServer.routes()` is missing here, or a path here has no route.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {"title": "assess", "version": "1", "description": "Professional title evaluation and vocational skills certification. Errors are application/problem+json (RFC 9457)."},
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token from POST /v1/applicants, or `assess tokens issue` for institutions, reviewers and the bureau."}},
        "parameters": {
          "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", \#(Bounds.schema(Bounds.id)), "format": "int64"}},
          "number": {"name": "number", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 64}},
          "after": {"name": "after", "in": "query", "schema": {"type": "integer", \#(Bounds.schema(Bounds.after)), "format": "int64"}},
          "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", \#(Bounds.schema(Bounds.limit))}},
          "state": {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["submitted", "ineligible", "eligible", "assigned", "scored", "decided"]}}
        },
        "schemas": {
          "Problem": {"type": "object", "required": ["type", "title", "status", "detail", "errors"], "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
          "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
          "SignIn": {"type": "object", "required": ["document", "password"], "properties": {
            "document": {"type": "object", "required": ["kind", "number"], "properties": {
              "kind": {"type": "string", "enum": ["resident_id", "passport", "foreign_permanent_residence_id", "hk_macao_taiwan_residence_permit"]},
              "number": {"type": "string", "maxLength": 40},
              "issuingCountry": {"type": ["string", "null"], "maxLength": 3, "description": "required for a passport (ISO 3166 alpha-3)"}}},
            "password": {"type": "string"}}},
          "Session": {"type": "object", "required": ["token", "applicant", "expiresInSeconds"], "properties": {
            "token": {"type": "string"}, "applicant": {"type": "integer"}, "expiresInSeconds": {"type": "integer"}}},
          "Registration": {"type": "object", "required": ["name", "document", "education", "password"], "properties": {
            "password": {"type": "string", "minLength": 12, "maxLength": 200},
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "document": {"type": "object", "required": ["kind", "number", "birthDate"], "properties": {
              "kind": {"type": "string", "enum": ["resident_id", "passport", "foreign_permanent_residence_id", "hk_macao_taiwan_residence_permit"]},
              "number": {"type": "string"}, "issuingCountry": {"type": ["string", "null"]}, "birthDate": {"type": "string", "format": "date"}}},
            "employer": {"type": ["string", "null"], "maxLength": 200},
            "education": {"type": "string", "enum": ["doctorate", "master", "bachelor", "college_diploma", "secondary"]}}},
          "Registered": {"type": "object", "required": ["id", "token"], "properties": {"id": {"type": "string"}, "token": {"type": "string"}}},
          "Apply": {"type": "object", "required": ["round", "target"], "properties": {
            "round": {"type": "integer", \#(Bounds.schema(Bounds.id)), "format": "int64"},
            "target": {"type": "object", "required": ["track"], "properties": {
              "track": {"type": "string", "enum": ["title", "skill"]}, "series": {"type": "string"}, "grade": {"type": "integer", \#(Bounds.schema(Bounds.gradeOrLevel))},
              "specialty": {"type": ["string", "null"]}, "occupation": {"type": "string"}, "level": {"type": "integer", \#(Bounds.schema(Bounds.gradeOrLevel))},
              "direction": {"type": "string"}}}}},
          "Created": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "format": "int64"}}},
          "Application": {"type": "object", "required": ["id", "round", "state", "appliedOn"], "properties": {
            "id": {"type": "integer"}, "round": {"type": "integer"}, "state": {"type": "string"}, "appliedOn": {"type": "string", "format": "date"},
            "score": {"type": ["number", "null"]}, "passed": {"type": ["boolean", "null"]}, "appealOutcome": {"type": ["string", "null"]}}},
          "ApplicationPage": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Application"}}, "next": {"type": ["integer", "null"]}}},
          "Reason": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1}}},
          "Score": {"type": "object", "required": ["score"], "properties": {"score": {"type": "number", \#(Bounds.schema(Bounds.score))}}},
          "Progress": {"type": "object", "required": ["state", "applications"], "properties": {
            "state": {"type": "string"}, "applications": {"type": "object", "additionalProperties": {"type": "integer"}}}},
          "CertificateExists": {"type": "object", "required": ["number", "exists", "detail"], "properties": {
            "number": {"type": "string"}, "exists": {"type": "boolean"}, "detail": {"type": "string"}}},
          "ObjectionPage": {"type": "object", "required": ["items"], "properties": {"next": {"type": ["integer", "null"]}, "items": {"type": "array", "items": {
            "type": "object", "required": ["id", "application", "filedBy", "statement", "state", "filedAt"], "properties": {
              "id": {"type": "integer"}, "application": {"type": "integer"}, "filedBy": {"type": "string"}, "contact": {"type": ["string", "null"]},
              "statement": {"type": "string"}, "state": {"type": "string", "enum": ["open", "handled", "dismissed"]},
              "filedAt": {"type": "string", "format": "date-time"}}}}}},
          "Dismiss": {"type": "object", "required": ["objections", "reason"], "properties": {
            "objections": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"type": "integer", \#(Bounds.schema(Bounds.id)), "format": "int64"}},
            "reason": {"type": "string", "minLength": 1, "maxLength": 4000}}},
          "Dismissed": {"type": "object", "required": ["dismissed"], "properties": {"dismissed": {"type": "integer"}}},
          "Certificate": {"type": "object", "required": ["number", "status", "holder", "holderDocument", "qualification", "level", "issuer", "issuedOn", "signatureValid"], "properties": {
            "number": {"type": "string"}, "status": {"type": "string", "enum": ["valid", "revoked", "invalid signature"]},
            "holder": {"type": "string", "description": "masked"}, "holderDocument": {"type": "string", "description": "masked"},
            "qualification": {"type": "string"}, "level": {"type": "string"}, "issuer": {"type": "string"}, "issuedOn": {"type": "string", "format": "date"},
            "signatureValid": {"type": "boolean"}}},
          "Subscribe": {"type": "object", "required": ["url"], "properties": {
            "url": {"type": "string", "description": "https:// only"}, "events": {"type": "array", "items": {"type": "string"}},
            "recipient": {"type": "string", "description": "the bureau may name any recipient; others their own only"},
            "trustRootsPEM": {"type": "string"}, "clientCertificatePEM": {"type": "string"}, "clientKeyPEM": {"type": "string"}}},
          "SubscriptionSecret": {"type": "object", "required": ["id", "secret"], "properties": {"id": {"type": "integer"}, "secret": {"type": "string"}}},
          "Rotate": {"type": "object", "properties": {"overlapHours": {"type": "number", \#(Bounds.schema(Bounds.overlapHours))}}},
          "SubscriptionPage": {"type": "object", "required": ["items"], "properties": {"next": {"type": ["integer", "null"]}, "items": {"type": "array", "items": {
            "type": "object", "required": ["id", "recipient", "url", "events", "active", "mutualTLS", "privateTrustRoots"], "properties": {
              "id": {"type": "integer"}, "recipient": {"type": "string"}, "url": {"type": "string"}, "events": {"type": "array", "items": {"type": "string"}},
              "active": {"type": "boolean"}, "mutualTLS": {"type": "boolean"}, "privateTrustRoots": {"type": "boolean"},
              "previousSecretUntil": {"type": ["string", "null"], "format": "date-time"}}}}}},
          "DeadPage": {"type": "object", "required": ["items"], "properties": {"next": {"type": ["integer", "null"]}, "items": {"type": "array", "items": {
            "type": "object", "required": ["id", "event", "idempotencyKey", "attempts"], "properties": {
              "id": {"type": "integer"}, "event": {"type": "string"}, "idempotencyKey": {"type": "string"}, "attempts": {"type": "integer"},
              "lastError": {"type": ["string", "null"]}, "finishedAt": {"type": ["string", "null"], "format": "date-time"}}}}}},
          "Redriven": {"type": "object", "required": ["redriven"], "properties": {"redriven": {"type": "integer"}}},
          "Reviewer": {"type": "object", "required": ["id", "name", "fields"], "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}, "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "fields": {"type": "array", "minItems": 1, "maxItems": 20, "items": {"type": "string"}}, "employer": {"type": ["string", "null"]},
            "loadCap": {"type": "integer", \#(Bounds.schema(Bounds.loadCap))},
            "conflicts": {"type": "array", "maxItems": 1000, "items": {"type": "integer", \#(Bounds.schema(Bounds.id)), "format": "int64"}, "description": "applicant ids the reviewer must never assess"}}},
          "Round": {"type": "object", "required": ["name", "track", "field", "startDate"], "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200}, "track": {"type": "string", "enum": ["title", "skill"]}, "field": {"type": "string"},
            "startDate": {"type": "string", "format": "date"}, "closesOnDay": {"type": "integer", \#(Bounds.schema(Bounds.closesOnDay))},
            "scoringDays": {"type": "integer", \#(Bounds.schema(Bounds.scoringDays))}, "seed": {"type": "integer", \#(Bounds.schema(Bounds.seed)), "format": "int64"},
            "daySeconds": {"type": "integer", \#(Bounds.schema(Bounds.daySeconds)), "description": "seconds in one day of the round's clock; 86400 unless rehearsing"},
            "policy": {"type": "object", "description": "changes to the default policy", "properties": {
              "reviewersPerCase": {"type": "integer", \#(Bounds.schema(Policy.Bounds.reviewersPerCase))},
              "committeeSize": {"type": "integer", \#(Bounds.schema(Policy.Bounds.committeeSize)), "description": "odd"},
              "discrepancyTolerance": {"type": "number", \#(Bounds.schema(Policy.Bounds.discrepancyTolerance))}, "partPassMark": {"type": "number", \#(Bounds.schema(Policy.Bounds.partPassMark))},
              "noticeWorkingDays": {"type": "integer", "enum": [5, 7]}, "appealWindowDays": {"type": "integer", \#(Bounds.schema(Policy.Bounds.appealWindowDays))}}}}},
          "Vote": {"type": "object", "required": ["members", "yes", "no", "abstain"], "properties": {
            "members": {"type": "integer", \#(Bounds.schema(Bounds.committeeMembers))}, "yes": {"type": "integer", \#(Bounds.schema(Bounds.ballots))},
            "no": {"type": "integer", \#(Bounds.schema(Bounds.ballots))}, "abstain": {"type": "integer", \#(Bounds.schema(Bounds.ballots))}}},
          "SkillsResult": {"type": "object", "required": ["parts"], "properties": {"parts": {"type": "object", "additionalProperties": {"type": "number", \#(Bounds.schema(Bounds.score))}}}},
          "Objection": {"type": "object", "required": ["filedBy", "contact", "statement"], "properties": {
            "filedBy": {"type": "string", "minLength": 1, "maxLength": 200},
            "contact": {"type": "string", "minLength": 1, "maxLength": 200, "description": "an e-mail address or a phone number for the institution's answer; never shown publicly"}, "statement": {"type": "string", "minLength": 1, "maxLength": 5000}}},
          "Resolution": {"type": "object", "required": ["resolution"], "properties": {"resolution": {"type": "string", "minLength": 1, "maxLength": 5000}}},
          "ReviewCasePage": {"type": "object", "required": ["items"], "properties": {"next": {"type": ["integer", "null"]}, "items": {"type": "array", "items": {
            "type": "object", "required": ["application", "round", "stage", "target", "dueAt"], "properties": {
              "application": {"type": "integer"}, "round": {"type": "integer"}, "stage": {"type": "integer"}, "target": {"type": "string"},
              "dueAt": {"type": "string", "format": "date-time"}}}}}},
          "NotificationPage": {"type": "object", "required": ["items"], "properties": {"next": {"type": ["integer", "null"]}, "items": {"type": "array", "items": {
            "type": "object", "required": ["id", "event", "createdAt", "payload"], "properties": {
              "id": {"type": "integer"}, "event": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"},
              "payload": {"type": "string", "description": "the notification's JSON"}}}}}}
        },
        "responses": {
          "Problem": {"description": "A refusal", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        }
      },
      "paths": {
        "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}},
        "/readyz": {"get": {"summary": "Readiness: the database answers", "responses": {
          "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}, "503": {"$ref": "#/components/responses/Problem"}}}},
        "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "Text exposition format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/v1/certificates/{number}": {"get": {"summary": "Verify a certificate (public): the number and the holder's name give the certificate; the number alone says only that it exists. At most 60 look-ups a minute per client address.",
          "parameters": [{"$ref": "#/components/parameters/number"}, {"name": "name", "in": "query", "description": "the holder's name as printed on the certificate", "schema": {"type": "string", "maxLength": 100}}], "responses": {
          "200": {"description": "With name: the certificate, its status and the signature check; without: that it exists", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Certificate"}, {"$ref": "#/components/schemas/CertificateExists"}]}}}},
          "404": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/applicants": {"post": {"summary": "Register as an applicant; returns a bearer token", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registration"}}}}, "responses": {
          "201": {"description": "Registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registered"}}}},
          "400": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
          "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/sessions": {"post": {"summary": "Sign in as an applicant. Wrong passwords are limited to 5 per account and client address per 15 minutes, 50 per account per hour, and 20 per client address per 15 minutes; past any limit, 429 with Retry-After", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignIn"}}}}, "responses": {
          "201": {"description": "Signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
          "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/applications": {
          "post": {"summary": "Apply in a round", "security": [{"bearer": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Apply"}}}}, "responses": {
            "201": {"description": "Applied", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}},
            "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
            "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"},
            "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}},
          "get": {"summary": "My applications", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}], "responses": {
            "200": {"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApplicationPage"}}}},
            "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/applications/{id}": {"get": {"summary": "One of my applications", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {
          "200": {"description": "The application", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Application"}}}},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/applications/{id}/appeal": {"post": {"summary": "Appeal a decision", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reason"}}}}, "responses": {
          "202": {"description": "Filed"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
          "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/reviews/{id}/score": {"post": {"summary": "Score a case assigned to me (reviewer)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Score"}}}}, "responses": {
          "204": {"description": "Scored"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
          "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/notifications": {"get": {"summary": "My notifications (applicant)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}], "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotificationPage"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/applications/{id}/objections": {"post": {"summary": "Object to a published result (anyone; at most 5 an hour per client address, 20 open per result)", "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Objection"}}}}, "responses": {"201": {"description": "Filed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}, "429": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/reviews": {"get": {"summary": "My open cases, blind (reviewer)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}], "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReviewCasePage"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/reviewers": {"post": {"summary": "Add a reviewer to my pool (institution)", "security": [{"bearer": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reviewer"}}}}, "responses": {"201": {"description": "Added"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/rounds": {"post": {"summary": "Open a round (institution)", "security": [{"bearer": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Round"}}}}, "responses": {"201": {"description": "Opened", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/rounds/{id}/close": {"post": {"summary": "Close a round to applications now (institution)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {"202": {"description": "Closing"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/applications/{id}/vote": {"post": {"summary": "Record a committee's ballot counts (institution)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Vote"}}}}, "responses": {"202": {"description": "Recorded"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/applications/{id}/skills-result": {"post": {"summary": "Record a skills candidate's part scores (institution)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SkillsResult"}}}}, "responses": {"202": {"description": "Recorded"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/objections/{id}/handle": {"post": {"summary": "Resolve an objection (institution)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Resolution"}}}}, "responses": {"202": {"description": "Handled"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/subscriptions": {"post": {"summary": "Subscribe an HTTPS endpoint to my notifications; the secret is shown once", "security": [{"bearer": []}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Subscribe"}}}}, "responses": {"201": {"description": "Done", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubscriptionSecret"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}, "get": {"summary": "My subscriptions (the bureau: all)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}], "responses": {"200": {"description": "Done", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubscriptionPage"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/subscriptions/{id}/rotate-secret": {"post": {"summary": "A new signing secret; the old one signs too during the overlap", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rotate"}}}}, "responses": {"200": {"description": "Done", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubscriptionSecret"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/subscriptions/{id}/dead": {"get": {"summary": "Dead-lettered deliveries of a subscription", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}, {"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}], "responses": {"200": {"description": "Done", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeadPage"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/subscriptions/{id}/redrive": {"post": {"summary": "Send a subscription's dead-lettered deliveries again", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {"202": {"description": "Done", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Redriven"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/reviews/{id}/conflict": {"post": {"summary": "Declare a conflict of interest with a case assigned to me; it is reassigned (reviewer)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {
          "202": {"description": "Withdrawn and reassigned"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"},
          "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/rounds/{id}/applications": {"get": {"summary": "A round's applications, optionally in one state (its institution)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}, {"$ref": "#/components/parameters/state"}, {"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"}], "responses": {
          "200": {"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApplicationPage"}}}},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/rounds/{id}/objections": {"get": {"summary": "A round's objections with the filers' contacts (institution); state=open for the open ones", "security": [{"bearer": []}],
          "parameters": [{"$ref": "#/components/parameters/id"}, {"$ref": "#/components/parameters/after"}, {"$ref": "#/components/parameters/limit"},
                         {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["open"]}}],
          "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ObjectionPage"}}}},
            "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/rounds/{id}/objections/dismiss": {"post": {"summary": "Dismiss open objections of my round in bulk, with a reason (institution)", "security": [{"bearer": []}],
          "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dismiss"}}}},
          "responses": {"200": {"description": "How many were open and are now dismissed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dismissed"}}}},
            "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/rounds/{id}/progress": {"get": {"summary": "A round's applications by stage (its institution)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {
          "200": {"description": "Progress", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Progress"}}}},
          "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/rounds/{id}/confirm": {"post": {"summary": "Confirm a round's results (HR bureau)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {
          "202": {"description": "Confirmed; certificates follow"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"},
          "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
        "/v1/certificates/{number}/revoke": {"post": {"summary": "Revoke a certificate (HR bureau)", "security": [{"bearer": []}], "parameters": [{"$ref": "#/components/parameters/number"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reason"}}}}, "responses": {
          "202": {"description": "Revoked"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
          "404": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}}
      }
    }
    """#
}
