//! Protects the generator's answer to bad input: every problem is reported, together, as one line with the
//! file and a JSON pointer (or line and column), and nothing panics.

use std::path::Path;

use genesys_audit_codegen::{Layout, Settings};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn errors(body: &str) -> Vec<String> {
    let text = format!("{HEAD}{body}");
    let spec = Path::new("bad.yaml");
    let result = genesys_audit_codegen::generate_str(spec, &text, &Settings::for_spec(spec), Layout::Standalone);
    match result {
        Ok(_) => panic!("expected diagnostics for:\n{text}"),
        Err(diagnostics) => diagnostics.to_string().lines().map(str::to_owned).collect(),
    }
}

const OK_RESPONSE: &str = "responses: {'200': {description: ok}}";

#[test]
fn operation_without_an_id_is_a_warning_not_an_error() {
    let text = format!(
        "{HEAD}paths:\n  /api/v2/audits/{{id}}:\n    post:\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      {OK_RESPONSE}\n"
    );
    let spec = Path::new("ok.yaml");
    let generated =
        genesys_audit_codegen::generate_str(spec, &text, &Settings::for_spec(spec), Layout::Standalone).unwrap();
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "ok.yaml#/paths/~1api~1v2~1audits~1{id}/post: operation has no operationId: named `post_api_v2_audits_by_id` from its method and path"
        ]
    );
    assert!(generated.files.contains_key("src/operations/post_api_v2_audits_by_id.rs"), "{:?}", generated.files.keys());
}

/// A parameter sent as text whose schema is an object or an array has no text form of its own: the caller
/// gives the text, with a warning.
#[test]
fn text_parameter_that_is_not_a_single_value_is_a_warning() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{{name: f, in: query, content: {{text/plain: {{schema: {{type: object, properties: {{x: {{type: string}}}}}}}}}}}}]\n      {OK_RESPONSE}\n"
    );
    let spec = Path::new("ok.yaml");
    let generated =
        genesys_audit_codegen::generate_str(spec, &text, &Settings::for_spec(spec), Layout::Standalone).unwrap();
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "ok.yaml#/paths/~1a/get/parameters/0/content/text~1plain/schema: a parameter sent as text whose schema is not a single value (a string, a number, a boolean or an enum): the caller gives the text to send"
        ]
    );
    let operation = &generated.files["src/operations/get_a.rs"];
    assert!(operation.contains("value: impl ::std::convert::Into<::std::string::String>"), "{operation}");
    assert!(!generated.files.keys().any(|path| path.starts_with("src/models/get_a")), "{:?}", generated.files.keys());
}

#[test]
fn dangling_schema_reference() {
    let body = "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/Missing'}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/components/schemas/A/properties/b: reference \"#/components/schemas/Missing\" names no schema in components/schemas"
        ]
    );
}

#[test]
fn all_of_members_that_disagree_on_a_property_name_both_places() {
    let body = "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - {type: object, properties: {x: {type: integer}}}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/components/schemas/B/allOf/1/properties/x: `allOf` members disagree on property \"x\": a number here, a string at #/components/schemas/A/properties/x"
        ]
    );
}

#[test]
fn undeclared_path_parameter() {
    let body = format!("paths:\n  /a/{{id}}:\n    get: {{operationId: getA, {OK_RESPONSE}}}\n");
    assert_eq!(errors(&body), ["bad.yaml#/paths/~1a~1{id}/get: path parameter \"id\" is not declared"]);
}

#[test]
fn form_body_that_is_not_an_object() {
    let body = format!(
        "paths:\n  /a:\n    post:\n      operationId: postA\n      requestBody: {{content: {{application/x-www-form-urlencoded: {{schema: {{type: string}}}}}}}}\n      {OK_RESPONSE}\n"
    );
    assert_eq!(
        errors(&body),
        [
            "bad.yaml#/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/schema: a form body must be an object: its properties are the form's fields"
        ]
    );
}

#[test]
fn form_response_that_is_not_an_object() {
    let body = "paths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'200': {description: ok, content: {application/x-www-form-urlencoded: {schema: {type: array}}}}}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/paths/~1a/get/responses/200/content/application~1x-www-form-urlencoded/schema: a form body must be an object: its properties are the form's fields"
        ]
    );
}

/// A parameter given by `content` is written as JSON or as text; another media type says nothing of how to
/// write a value in a query, a header, a path or a cookie.
#[test]
fn parameter_given_as_a_media_type_without_a_text_form() {
    let body = "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{name: q, in: query, content: {application/xml: {schema: {type: string}}}}]\n      responses: {'200': {description: ok}}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/paths/~1a/get/parameters/0/content: unsupported: a parameter given as \"application/xml\": only JSON and text media types say how to write a value in a query"
        ]
    );
}

/// A path item given by `$ref` is read as the one it names in the same document; one in another file,
/// one that names nothing or no object, and references that only name each other are errors.
#[test]
fn path_item_references_that_name_no_path_item() {
    let body = "paths:\n  /a: {$ref: 'other.yaml#/paths/~1a'}\n  /b: {$ref: '#/paths/~1gone'}\n  /c: {$ref: '#/info/title'}\n  /d: {$ref: '#/paths/~1e'}\n  /e: {$ref: '#/paths/~1d'}\n  /f:\n    get: {operationId: getF, responses: {'200': {description: ok}}}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/paths/~1a: unsupported path item reference \"other.yaml#/paths/~1a\": only references within the document are supported",
            "bad.yaml#/paths/~1b: path item reference \"#/paths/~1gone\" names nothing in the document",
            "bad.yaml#/paths/~1c: path item reference \"#/info/title\" names a string, not a path item",
            "bad.yaml#/paths/~1d: path item references that form a cycle: #/paths/~1d -> #/paths/~1e -> #/paths/~1d: no path item is named",
        ]
    );
}

/// Each choice of each `oneOf` among the members of an `allOf` is a struct: past a bound, an error
/// rather than a flood of types.
#[test]
fn one_of_inside_all_of_members_that_make_too_many_structs() {
    let one_of = |n: usize| {
        format!(
            "{{oneOf: [{{type: object, required: [a{n}], properties: {{a{n}: {{type: string}}}}}}, {{type: object, required: [b{n}], properties: {{b{n}: {{type: string}}}}}}]}}"
        )
    };
    let members: Vec<String> = (0..7).map(one_of).collect();
    let body = format!("paths: {{}}\ncomponents:\n  schemas:\n    X: {{allOf: [{}]}}\n", members.join(", "));
    assert_eq!(
        errors(&body),
        [
            "bad.yaml#/components/schemas/X: the `oneOf`s and `anyOf`s among these `allOf` members make more than 64 combinations, each a struct: too many to generate"
        ]
    );
}

#[test]
fn every_problem_is_reported_together_in_pointer_order() {
    let body = format!(
        "paths:\n  /b/{{x}}:\n    get: {{operationId: getB, {OK_RESPONSE}}}\n  /a/{{y}}:\n    get: {{operationId: getA, {OK_RESPONSE}}}\ncomponents:\n  schemas:\n    C: {{allOf: [{{$ref: '#/components/schemas/Gone'}}, {{type: object}}]}}\n"
    );
    assert_eq!(
        errors(&body),
        [
            "bad.yaml#/components/schemas/C/allOf/0: reference \"#/components/schemas/Gone\" names no schema in components/schemas",
            "bad.yaml#/paths/~1a~1{y}/get: path parameter \"y\" is not declared",
            "bad.yaml#/paths/~1b~1{x}/get: path parameter \"x\" is not declared",
        ]
    );
}

#[test]
fn wrong_shape_points_at_the_member() {
    let body = "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: 3\n      responses: {}\n";
    let errors = errors(body);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("bad.yaml#/paths/~1a/get/parameters: not a valid OpenAPI 3.0 document"),
        "{errors:?}"
    );
}

/// A schema that is a `$ref` to itself, directly or through others or as its own items, names no type.
/// Where the generator follows aliases (a union member's rank, a parameter's style), it once overflowed
/// the stack, or looped.
#[test]
fn a_cycle_of_refs_is_an_error_not_a_crash() {
    let body = "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{name: q, in: query, schema: {$ref: '#/components/schemas/B'}}, {name: r, in: query, schema: {$ref: '#/components/schemas/L'}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/U'}}}}}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/A'}\n    B: {$ref: '#/components/schemas/C'}\n    C: {$ref: '#/components/schemas/B'}\n    L: {type: array, items: {$ref: '#/components/schemas/L'}}\n    U: {anyOf: [{$ref: '#/components/schemas/A'}, {type: number}]}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/components/schemas/A: `$ref` cycle that no type can represent: #/components/schemas/A -> #/components/schemas/A: the schema only refers to itself",
            "bad.yaml#/components/schemas/B: `$ref` cycle that no type can represent: #/components/schemas/B -> #/components/schemas/C -> #/components/schemas/B: the schemas only refer to each other",
            "bad.yaml#/components/schemas/L: unsupported `$ref` cycle: #/components/schemas/L -> #/components/schemas/L: an array or map of itself with no object between, which a Rust type alias cannot be",
        ]
    );
}

#[test]
fn line_breaks_from_the_spec_stay_escaped_in_the_one_line_of_an_error() {
    let body = "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{name: x, in: \"cr\\r\", schema: {type: string}}]\n      responses: {}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/paths/~1a/get/parameters/0: not a valid OpenAPI 3.0 document: unknown variant `cr\\r`, expected one of `query`, `header`, `path`, `cookie`"
        ]
    );
    let body = "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {\"a\\nb\": {$ref: '#/components/schemas/Gone'}}}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/components/schemas/A/properties/a%0Ab: reference \"#/components/schemas/Gone\" names no schema in components/schemas"
        ]
    );
}

/// JSON is not quite YAML: a JSON spec whose strings hold characters YAML refuses as they are (a line or
/// paragraph separator, DEL) is read all the same.
#[test]
fn json_that_yaml_cannot_read_is_read_as_json() {
    let text = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\", \"description\": \"a\u{2028}b\u{2029}c\u{7f}d\u{85}\"},\n \"paths\": {\"/a\": {\"get\": {\"operationId\": \"getA\", \"responses\": {\"200\": {\"description\": \"ok\"}}}}}}";
    let spec = Path::new("ok.json");
    let generated = genesys_audit_codegen::generate_str(spec, text, &Settings::for_spec(spec), Layout::Standalone);
    assert!(generated.is_ok_and(|g| g.files.contains_key("src/operations/get_a.rs")), "the JSON spec is refused");
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let errors = errors("paths: {\n");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("bad.yaml:4:1: invalid YAML"), "{errors:?}");
}

#[test]
fn other_openapi_versions_are_refused() {
    let text = "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let spec = Path::new("bad.yaml");
    let err =
        genesys_audit_codegen::generate_str(spec, text, &Settings::for_spec(spec), Layout::Standalone).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.yaml#/openapi: unsupported OpenAPI version \"3.2.0\": expected 3.0.x, 3.1.x or Swagger 2.0"
    );
}

#[test]
fn openapi_3_1_constructs_that_3_0_lacks_point_at_the_keyword() {
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    P: {type: object, if: {required: [a]}}\n";
    let spec = Path::new("bad.yaml");
    let err =
        genesys_audit_codegen::generate_str(spec, text, &Settings::for_spec(spec), Layout::Standalone).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.yaml#/components/schemas/P/if: unsupported OpenAPI 3.1 construct `if`: 3.0 cannot express it"
    );
}

#[test]
fn missing_spec_file_names_the_file() {
    let spec = Path::new("does-not-exist.yaml");
    let err = genesys_audit_codegen::generate(spec, &Settings::for_spec(spec), Layout::Standalone).unwrap_err();
    assert!(err.to_string().starts_with("does-not-exist.yaml: cannot read spec:"), "{err}");
}

#[test]
fn settings_naming_a_missing_operation_or_field_point_into_the_settings() {
    let root = audit_tests::workspace_root();
    let mut settings = Settings::load(&root.join("spec/codegen.toml")).unwrap();
    settings.path = "spec/codegen.toml".into();
    let text = std::fs::read_to_string(audit_tests::spec_fixture("genesys-audit-121.0.0.openapi.yaml")).unwrap();
    let mut waiter = settings.waiters["postAuditsQuery"].clone();
    waiter.state = "status".to_owned();
    waiter.succeeded.push("Done".to_owned());
    settings.waiters.insert("postAuditsQuery".to_owned(), waiter);
    let err =
        genesys_audit_codegen::generate_str(Path::new("a.yaml"), &text, &settings, Layout::Standalone).unwrap_err();
    let lines: Vec<String> = err.to_string().lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "spec/codegen.toml#/retry/idempotent/1: no operation has the operationId \"postAuditsQueryRealtimeRelated\"",
            "spec/codegen.toml#/waiters/postAuditsQuery/state: AuditQueryExecutionStatusResponse has no field \"status\"",
        ]
    );
}

#[test]
fn dangling_parameter_and_response_references() {
    let body = "paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{$ref: '#/components/parameters/Gone'}]\n      responses: {'200': {$ref: '#/components/responses/Gone'}}\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/paths/~1a/get/parameters/0: reference \"#/components/parameters/Gone\" names nothing in components/parameters",
            "bad.yaml#/paths/~1a/get/responses/200: reference \"#/components/responses/Gone\" names nothing in components/responses",
        ]
    );
}

/// The diagnostics of a fixture spec in `tests/fixtures/specs/`, one per line, for a snapshot.
fn fixture_errors(name: &str) -> String {
    match audit_tests::generate_fixture(name, Layout::Standalone) {
        Ok(_) => panic!("expected diagnostics for {name}"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

#[test]
fn operations_whose_names_clash_are_errors_naming_both_places() {
    insta::assert_snapshot!(fixture_errors("strict-duplicate-operation-id.yaml"));
}

/// A 2.0 document is read as its 3.0 form, but what is wrong in it is said at its place in the file as
/// written, with the sections and references named as that file names them.
#[test]
fn swagger_2_0_errors_point_into_the_file_as_written() {
    insta::assert_snapshot!(fixture_errors("strict-swagger.yaml"));
}

#[test]
fn path_templates_and_path_parameters_must_agree_both_ways() {
    insta::assert_snapshot!(fixture_errors("strict-path-template.yaml"));
}

#[test]
fn ref_cycles_no_type_can_represent_are_errors_naming_the_cycle() {
    insta::assert_snapshot!(fixture_errors("strict-ref-cycle.yaml"));
}

#[test]
fn settings_cargo_or_the_client_could_not_take_are_errors_at_their_pointers() {
    let text = r#"spec = "a.yaml"

[crate]
name = "genesys cloud"
version = "1.0"
description = "d"
license = "MIT"

[crate.dev-dependencies]
"tokio runtime" = "1"
futures = 3

[[regions]]
name = "us-east-1"
api = "https://api.mypurecloud.com"
login = "login.mypurecloud.com"

[[regions]]
name = "us-east-1"
api = "https://api.example.com/ with a space"
login = "ftp://login.example.com"

[[regions]]
name = "-west"
api = "https://api.example.org"
login = "https://login.example.org"
"#;
    let err = Settings::parse(Path::new("codegen.toml"), text).unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

/// A schema whose `allOf` names itself twice is a cycle, said at once; no member is looked into again and
/// again.
#[test]
fn a_schema_that_names_itself_twice_in_its_all_of_is_a_cycle() {
    let body = "paths: {}\ncomponents:\n  schemas:\n    Loop:\n      allOf:\n        - $ref: '#/components/schemas/Loop'\n        - $ref: '#/components/schemas/Loop'\n";
    assert_eq!(
        errors(body),
        [
            "bad.yaml#/components/schemas/Loop: `$ref` cycle that no type can represent: #/components/schemas/Loop -> #/components/schemas/Loop: the schema only refers to itself"
        ]
    );
}

/// Schemas that each name the next twice through `allOf`, thirty deep: a schema met again is merged once,
/// so the work grows with the schemas, not with the ways of reaching them (two to the thirtieth).
#[test]
fn a_schema_reached_many_ways_through_all_of_is_merged_once() {
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for level in 0..30 {
        let next = level + 1;
        text.push_str(&format!(
            "    S{level}:\n      allOf:\n        - $ref: '#/components/schemas/S{next}'\n        - $ref: '#/components/schemas/S{next}'\n        - {{type: object, properties: {{p{level}: {{type: string}}}}}}\n"
        ));
    }
    text.push_str("    S30: {type: object, properties: {leaf: {type: string}}}\n");
    let spec = Path::new("deep.yaml");
    let generated =
        genesys_audit_codegen::generate_str(spec, &text, &Settings::for_spec(spec), Layout::Standalone).unwrap();
    let first = &generated.files["src/models/s0.rs"];
    for field in ["pub leaf:", "pub p29:", "pub p0:"] {
        assert_eq!(first.matches(field).count(), 1, "{field} once in S0:\n{first}");
    }
}

/// The diagnostics (errors, or else warnings) of a Swagger 2.0 document, one per line.
fn swagger_diagnostics(text: &str) -> Vec<String> {
    let spec = Path::new("s.yaml");
    match genesys_audit_codegen::generate_str(spec, text, &Settings::for_spec(spec), Layout::Standalone) {
        Ok(generated) => generated.warnings.iter().map(|w| format!("warning: {w}")).collect(),
        Err(diagnostics) => diagnostics.to_string().lines().map(str::to_owned).collect(),
    }
}

/// What is wrong inside a response or parameter a `$ref` names is said where it is written, in the 2.0
/// section's own words, whether or not the document has that section at all.
#[test]
fn swagger_2_0_errors_inside_shared_responses_and_parameters_are_said_where_they_are_written() {
    let text = "swagger: '2.0'\ninfo: {title: A, version: '1'}\nresponses:\n  NotFound: {description: No., schema: {$ref: '#/definitions/Missing'}}\nparameters:\n  Ids: {name: ids, in: query, type: array, items: {$ref: '#/definitions/Gone'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{$ref: '#/parameters/Ids'}, {$ref: '#/parameters/Limit'}]\n      responses:\n        '404': {$ref: '#/responses/NotFound'}\n        '409': {$ref: '#/responses/Conflict'}\n        '410': {$ref: '#/definitions/Body'}\ndefinitions:\n  Body: {type: object}\n";
    assert_eq!(
        swagger_diagnostics(text),
        [
            "s.yaml#/parameters/Ids/items: reference \"#/definitions/Gone\" names no schema in definitions",
            "s.yaml#/paths/~1a/get/parameters/1: reference \"#/parameters/Limit\" names nothing in parameters",
            "s.yaml#/paths/~1a/get/responses/409: reference \"#/responses/Conflict\" names nothing in responses",
            "s.yaml#/paths/~1a/get/responses/410: reference \"#/definitions/Body\" names something in definitions, not in responses",
            "s.yaml#/responses/NotFound/schema: reference \"#/definitions/Missing\" names no schema in definitions",
        ]
    );
}

/// A security scheme whose name 3.0 cannot hold is renamed in the converted document, but not in what is said
/// of it; a requirement naming no scheme and an `x-nullable` that is not a boolean are warnings.
#[test]
fn swagger_2_0_security_names_and_odd_extensions_are_said_as_written() {
    let text = "swagger: '2.0'\ninfo: {title: A, version: '1'}\nsecurityDefinitions:\n  Chat JWT: {type: apiKey, name: Authorization, in: header}\nsecurity:\n  - Chat JWT: [1]\npaths: {}\n";
    assert_eq!(
        swagger_diagnostics(text),
        [
            "s.yaml#/security/0/Chat JWT/0: not a valid OpenAPI 3.0 document: invalid type: integer `1`, expected a string"
        ]
    );
    let text = "swagger: '2.0'\ninfo: {title: A, version: '1'}\nsecurity: [{Nope: []}]\npaths:\n  /a:\n    get:\n      operationId: getA\n      security: [{Missing Scheme: [x]}]\n      responses:\n        '200': {description: OK, schema: {type: string, x-nullable: 'yes'}}\n";
    assert_eq!(
        swagger_diagnostics(text),
        [
            "warning: s.yaml#/paths/~1a/get/responses/200/schema/x-nullable: `x-nullable` is \"yes\", not true or false: ignored",
            "warning: s.yaml#/paths/~1a/get/security/0/Missing Scheme: a security requirement names a scheme that no security scheme defines: left out of the docs",
            "warning: s.yaml#/security/0/Nope: a security requirement names a scheme that no security scheme defines: left out of the docs",
        ]
    );
}
