//! Protects the generator's handling of one construct per small fixture spec in `tests/fixtures/specs/`:
//! enums with unknown values, optional against required (and nullable) fields, array query parameters,
//! names that are keywords or collide, recursive schemas, several success responses, bodies that are not
//! JSON, operations without an `operationId` or without a success response, and composition (`allOf`,
//! `oneOf`, `anyOf`, `not`), whose generated crate also decodes and re-encodes real payloads in a test,
//! parameters that are objects, cookies, JSON text or delimited arrays, text rustc refuses in source,
//! Swagger 2.0 documents (their sections and servers, body and form parameters, collection formats), and
//! what real publishers serve that few tools read (responses without a description, path items given by
//! `$ref`, text parameters, form and multipart responses, `oneOf` inside `allOf`, documents without paths).
//!
//! Each fixture has a snapshot per generated file, and tests of the behaviour that matters most; one test
//! builds every fixture (and both reference specs) as crates of a scratch workspace and runs clippy on
//! them with warnings denied, so generated code that does not compile cleanly fails here.

use std::path::{Path, PathBuf};
use std::time::Instant;

use audit_tests::{assert_file_snapshots, assert_success, cargo, generate_fixture, spec_files, workspace_root};
use genesys_audit_codegen::{Generated, Layout, Settings};

const ENUM_UNKNOWN_VALUE: &str = "enum-unknown-value.yaml";
const OPTIONAL_VS_REQUIRED: &str = "optional-vs-required.yaml";
const ARRAY_QUERY_PARAMETER: &str = "array-query-parameter.yaml";
const KEYWORD_NAMES: &str = "keyword-names.yaml";
const RECURSIVE_SCHEMA: &str = "recursive-schema.yaml";
const MULTIPLE_SUCCESS_RESPONSES: &str = "multiple-success-responses.yaml";
const NON_JSON_BODIES: &str = "non-json-bodies.yaml";
const OPERATIONS_WITHOUT_IDS: &str = "operations-without-ids.yaml";
const COMPOSITION: &str = "composition.yaml";
const PARAMETERS: &str = "parameters.yaml";
const ODD_TEXT: &str = "odd-text.yaml";
const SWAGGER_SECTIONS: &str = "swagger-sections.yaml";
const SWAGGER_BODIES: &str = "swagger-bodies.yaml";
const SWAGGER_PARAMETERS: &str = "swagger-parameters.yaml";
const SWAGGER_GENESYS_EXTENSIONS: &str = "swagger-genesys-extensions.yaml";
const REFERENCES_ANYWHERE: &str = "references-anywhere.yaml";
const REAL_WORLD_SLIPS: &str = "real-world-slips.yaml";
const COMPONENTS_ONLY: &str = "components-only.yaml";

/// The construct fixtures, then the reference specs: every spec the compile check builds.
const COMPILED: &[&str] = &[
    ENUM_UNKNOWN_VALUE,
    OPTIONAL_VS_REQUIRED,
    ARRAY_QUERY_PARAMETER,
    KEYWORD_NAMES,
    RECURSIVE_SCHEMA,
    MULTIPLE_SUCCESS_RESPONSES,
    NON_JSON_BODIES,
    OPERATIONS_WITHOUT_IDS,
    COMPOSITION,
    PARAMETERS,
    ODD_TEXT,
    SWAGGER_SECTIONS,
    SWAGGER_BODIES,
    SWAGGER_PARAMETERS,
    SWAGGER_GENESYS_EXTENSIONS,
    REFERENCES_ANYWHERE,
    REAL_WORLD_SLIPS,
    COMPONENTS_ONLY,
    "genesys-audit-121.0.0.openapi.yaml",
    "genesys-audit-242.0.0.openapi.yaml",
];

/// The compiled fixtures whose crates copy the runtime, as settings that say nothing give: the ones with
/// the optional parts, one without them, and one without any operation. The others depend on the
/// runtime crate, which is then built once for all of them.
const VENDORED: &[&str] = &[NON_JSON_BODIES, COMPONENTS_ONLY, "genesys-audit-121.0.0.openapi.yaml"];

/// The fixture's crate, depending on the workspace's runtime crate by its path from the crate's folder in
/// the scratch workspace (`target/fixture-crates/<member>`): relative, so that snapshots show no machine's
/// path.
fn generate_with_runtime_crate(spec: &str) -> Generated {
    let path = audit_tests::spec_fixture(spec);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("read {spec}: {err}"));
    let mut settings = Settings::for_spec(Path::new(spec));
    settings.krate.runtime = genesys_audit_codegen::Runtime::path(Path::new("../../../codegen/runtime"));
    genesys_audit_codegen::generate_str(Path::new(spec), &text, &settings, Layout::WorkspaceMember)
        .unwrap_or_else(|err| panic!("{spec} does not generate:\n{err}"))
}

/// The fixture's crate with the runtime copied in: what the runtime's derives write is written out.
fn generate(spec: &str) -> Generated {
    generate_fixture(spec, Layout::WorkspaceMember).unwrap_or_else(|err| panic!("{spec} does not generate:\n{err}"))
}

/// The fixture's crate as it is compiled, and so as its snapshots show it: depending on the runtime crate,
/// or for the [`VENDORED`] ones, with the runtime copied in.
fn generate_compiled(spec: &str) -> Generated {
    if VENDORED.contains(&spec) { generate(spec) } else { generate_with_runtime_crate(spec) }
}

/// The generated file at `path`.
fn file<'a>(generated: &'a Generated, path: &str) -> &'a str {
    generated.files.get(path).unwrap_or_else(|| panic!("no {path} among {:?}", generated.files.keys()))
}

/// The declared type of the field `name` in a formatted file (the text after `pub name: `), on one line
/// as it would be written by hand, whatever prettyplease wrapped.
fn field_type(text: &str, name: &str) -> String {
    let declaration = format!("pub {name}: ");
    let start = text.find(&declaration).unwrap_or_else(|| panic!("no field `{name}` in:\n{text}"));
    let rest = &text[start + declaration.len()..];
    let mut depth = 0_i32;
    let end = rest
        .char_indices()
        .find(|&(_, c)| {
            depth += match c {
                '<' | '(' => 1,
                '>' | ')' => -1,
                _ => 0,
            };
            c == ',' && depth == 0
        })
        .map_or(rest.len(), |(index, _)| index);
    let one_line = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.replace("< ", "<").replace(" >", ">").replace(",>", ">")
}

/// One snapshot per file generated from the spec, named after the fixture and the file's path.
fn assert_snapshots(spec: &str) {
    let generated = generate_compiled(spec);
    let stem = spec.strip_suffix(".yaml").expect("fixtures are YAML").replace('-', "_");
    assert_file_snapshots!(&stem, spec_files(&generated));
}

#[test]
fn enum_unknown_value_files() {
    assert_snapshots(ENUM_UNKNOWN_VALUE);
}

#[test]
fn optional_vs_required_files() {
    assert_snapshots(OPTIONAL_VS_REQUIRED);
}

#[test]
fn array_query_parameter_files() {
    assert_snapshots(ARRAY_QUERY_PARAMETER);
}

#[test]
fn keyword_names_files() {
    assert_snapshots(KEYWORD_NAMES);
}

#[test]
fn recursive_schema_files() {
    assert_snapshots(RECURSIVE_SCHEMA);
}

#[test]
fn multiple_success_responses_files() {
    assert_snapshots(MULTIPLE_SUCCESS_RESPONSES);
}

#[test]
fn non_json_bodies_files() {
    assert_snapshots(NON_JSON_BODIES);
}

#[test]
fn operations_without_ids_files() {
    assert_snapshots(OPERATIONS_WITHOUT_IDS);
}

#[test]
fn parameters_files() {
    assert_snapshots(PARAMETERS);
}

#[test]
fn odd_text_files() {
    assert_snapshots(ODD_TEXT);
}

#[test]
fn swagger_sections_files() {
    assert_snapshots(SWAGGER_SECTIONS);
}

#[test]
fn swagger_bodies_files() {
    assert_snapshots(SWAGGER_BODIES);
}

#[test]
fn swagger_parameters_files() {
    assert_snapshots(SWAGGER_PARAMETERS);
}

#[test]
fn references_anywhere_files() {
    assert_snapshots(REFERENCES_ANYWHERE);
}

/// A `$ref` may name a place anywhere in the document, percent-encoded or not: another operation's
/// parameters and responses are those, and a property of a component is the type that property has.
#[test]
fn references_to_any_place_in_the_document_are_followed() {
    let generated = generate(REFERENCES_ANYWHERE);
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let models: Vec<&String> = generated.files.keys().filter(|path| path.starts_with("src/models/")).collect();
    assert_eq!(
        models,
        ["src/models/disk.rs", "src/models/disk_filesystem.rs", "src/models/mod.rs", "src/models/problem.rs"],
        "the property's enum is one type, whether named from its struct or by a `$ref`"
    );
    let operation = file(&generated, "src/operations/get_disk_filesystem.rs");
    assert!(operation.contains("disk_id: impl ::std::convert::Into<::std::string::String>,"), "{operation}");
    assert!(operation.contains("pub fn limit(mut self, value: i32) -> Self {"), "{operation}");
    assert!(operation.contains("::std::result::Result<crate::models::DiskFilesystem, crate::Error>"), "{operation}");
    let client = file(&generated, "src/client.rs");
    assert!(
        client.contains("pub type Error = crate::runtime::Error<crate::models::Problem>;"),
        "every error is a Problem:\n{client}"
    );
}

#[test]
fn swagger_genesys_extensions_files() {
    assert_snapshots(SWAGGER_GENESYS_EXTENSIONS);
}

/// Genesys's error codes are an enum the error body reads its `code` as; an operation's SDK method name that
/// is not its `operationId` is a warning at the extension; a preview and OAuth scopes are in rustdoc.
#[test]
fn genesys_extensions_give_error_codes_scopes_previews_and_a_method_name_warning() {
    let generated = generate(SWAGGER_GENESYS_EXTENSIONS);
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [format!(
            "{SWAGGER_GENESYS_EXTENSIONS}#/paths/~1api~1v2~1widgets~1{{widgetId}}~1preview/post/x-purecloud-method-name: \
             `x-purecloud-method-name` is \"previewWidget\", not the operationId \"postWidgetPreview\": the method is \
             named after the operationId, so Genesys's SDKs call it otherwise"
        )]
    );
    let codes = file(&generated, "src/models/error_code.rs");
    for variant in ["BadRequest,", "NotFound,", "TooManyRequests,", "TooManyRequestsRetryAfter,", "WidgetDeleted,"] {
        assert!(codes.contains(&format!("    {variant}\n")), "no {variant} in:\n{codes}");
    }
    let body = file(&generated, "src/models/error_body.rs");
    assert!(body.contains("pub fn error_code(&self) -> crate::models::ErrorCode {"), "a required code:\n{body}");
    let get = file(&generated, "src/operations/get_widget.rs");
    assert!(get.contains("/// - 429: `too.many.requests`, `too.many.requests.retry.after`\n"), "{get}");
    assert!(
        get.contains("/// Requires the OAuth scopes `widgets:readonly`, `widgets` when called with OAuth;"),
        "{get}"
    );
    let preview = file(&generated, "src/operations/post_widget_preview.rs");
    assert!(preview.contains("/// A preview: Genesys may change or remove this operation"), "{preview}");
    assert!(preview.contains("/// - any other status: `bad.request`\n"), "{preview}");
}

#[test]
fn real_world_slips_files() {
    assert_snapshots(REAL_WORLD_SLIPS);
}

#[test]
fn components_only_files() {
    assert_snapshots(COMPONENTS_ONLY);
}

/// The lines of a generation's warnings.
fn warnings(generated: &Generated) -> Vec<String> {
    generated.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn slips_are_read_with_a_warning_at_their_place() {
    let generated = generate(REAL_WORLD_SLIPS);
    let left_out = "an `allOf` member that is not an object is left out of the struct the others merge into, since \
                    no value is both an object and a string";
    let shared = "operation copied from #/components/x-path-items/Status/get to 2 paths by their `$ref`s, so its \
                  operationId \"getStatus\" names none";
    assert_eq!(
        warnings(&generated),
        [
            "real-world-slips.yaml#/components/responses/NotFound/description: a response needs a `description`, which OpenAPI requires: read as an empty one".to_owned(),
            // Said once, where it is written, although `/animals/{petId}` holds a copy of the response.
            "real-world-slips.yaml#/paths/~1pets~1{petId}/get/responses/200/description: a response needs a `description`, which OpenAPI requires: read as an empty one".to_owned(),
            format!("real-world-slips.yaml#/components/schemas/Labelled/allOf/1: {left_out}"),
            format!("real-world-slips.yaml#/components/schemas/Labelled/allOf/2: {left_out} (#/components/schemas/Code is one)"),
            "real-world-slips.yaml#/paths/~1animals~1{petId}/get: operation copied from #/paths/~1pets~1{petId}/get by the path item's `$ref`, where its operationId \"getPet\" stays: named `get_animals_by_pet_id` from its method and path".to_owned(),
            format!("real-world-slips.yaml#/paths/~1v1~1status/get: {shared}: named `get_v1_status` from its method and path"),
            format!("real-world-slips.yaml#/paths/~1v2~1status/get: {shared}: named `get_v2_status` from its method and path"),
        ]
    );
    let get_pet = file(&generated, "src/operations/get_pet.rs");
    assert!(get_pet.contains("200 => response.decode(),"), "{get_pet}");
    let labelled = file(&generated, "src/models/labelled.rs");
    assert_eq!(field_type(labelled, "text"), "::std::string::String", "the object member is merged:\n{labelled}");
}

#[test]
fn path_items_given_by_ref_hold_the_operations_they_name() {
    let generated = generate(REAL_WORLD_SLIPS);
    let animals = file(&generated, "src/operations/get_animals_by_pet_id.rs");
    for line in [
        "request.push_literal(\"animals\");",
        "request.push_param(\"petId\", &self.pet_id);",
        "200 => response.decode(),",
    ] {
        assert!(animals.contains(line), "no {line:?} in:\n{animals}");
    }
    assert!(
        generated.files.contains_key("src/operations/get_pet.rs"),
        "the operation keeps its operationId where it is written"
    );
    for version in ["v1", "v2"] {
        let status = file(&generated, &format!("src/operations/get_{version}_status.rs"));
        assert!(status.contains(&format!("request.push_literal(\"{version}/status\");")), "{status}");
        assert!(status.contains("200 => response.text(),"), "{status}");
    }
    assert!(!generated.files.contains_key("src/operations/get_status.rs"), "{:?}", generated.files.keys());
}

#[test]
fn text_parameters_are_sent_as_text() {
    let generated = generate(REAL_WORLD_SLIPS);
    let search = file(&generated, "src/operations/search.rs");
    for line in [
        "q: impl ::std::convert::Into<::std::string::String>,",
        "request.query(\"q\", value);",
        "/// Sent as text (`text/plain`).\n    pub fn x_limit(mut self, value: i32) -> Self {",
        "request.header(\"X-Limit\", value);",
    ] {
        assert!(search.contains(line), "no {line:?} in:\n{search}");
    }
    assert!(!search.contains("_json("), "{search}");
}

#[test]
fn form_responses_are_read_into_their_struct_and_multipart_ones_handed_over() {
    let generated = generate(REAL_WORLD_SLIPS);
    let token = file(&generated, "src/operations/create_token.rs");
    for line in [
        "crate::runtime::Response<crate::models::Token>",
        "200 => crate::runtime::decode_form(\"createToken\", response),",
        "request.accept(\"application/x-www-form-urlencoded\");",
    ] {
        assert!(token.contains(line), "no {line:?} in:\n{token}");
    }
    let batch = file(&generated, "src/operations/run_batch.rs");
    for line in [
        "crate::runtime::Response<crate::runtime::MultipartBody>",
        "200 => crate::runtime::decode_multipart(response),",
        "request.accept(\"multipart/mixed\");",
        "/// The body is handed over as received, with the media type that holds its boundary",
    ] {
        assert!(batch.contains(line), "no {line:?} in:\n{batch}");
    }
    let runtime = file(&generated, "src/runtime/mod.rs");
    for line in [
        "mod form;",
        "mod form_response;",
        "mod multipart_body;",
        "pub use multipart_body::{MultipartBody, decode_multipart};",
    ] {
        assert!(runtime.contains(&format!("\n{line}\n")), "no {line:?} in:\n{runtime}");
    }
    for path in ["src/runtime/form.rs", "src/runtime/form_response.rs", "src/runtime/multipart_body.rs"] {
        assert!(generated.files.contains_key(path), "no {path}");
    }
}

/// The runtime parts a few APIs need are copied into their crates only: the others, the audit client
/// among them, are as they were.
#[test]
fn optional_runtime_parts_are_copied_only_into_crates_that_use_them() {
    for spec in [NON_JSON_BODIES, COMPONENTS_ONLY, "genesys-audit-242.0.0.openapi.yaml"] {
        let generated = generate(spec);
        let runtime: Vec<&String> = generated.files.keys().filter(|path| path.starts_with("src/runtime/")).collect();
        assert!(
            runtime.iter().all(|path| !path.contains("form") && !path.contains("multipart_body")),
            "{spec}: {runtime:?}"
        );
        let module = file(&generated, "src/runtime/mod.rs");
        assert!(!module.contains("mod form") && !module.contains("mod multipart_body"), "{spec}:\n{module}");
    }
}

#[test]
fn one_of_inside_all_of_members_makes_a_union_of_merged_structs() {
    let generated = generate(REAL_WORLD_SLIPS);
    // Through a `$ref` to a union with a discriminator: tagged, each choice with the other members.
    let named = file(&generated, "src/models/named_pet.rs");
    assert!(named.contains("Cat(crate::models::NamedPetCat),") && named.contains("Some(\"Dog\")"), "{named}");
    let named_cat = file(&generated, "src/models/named_pet_cat.rs");
    for field in ["pet_type", "name", "nickname", "indoor"] {
        assert!(named_cat.contains(&format!("pub {field}: ")), "no `{field}` in:\n{named_cat}");
    }
    // A child of a parent that lists it is the child: the parent's properties, not a choice again.
    let cat = file(&generated, "src/models/cat.rs");
    assert!(
        cat.contains("pub struct Cat {") && cat.contains("pub pet_type: ") && cat.contains("pub indoor: "),
        "{cat}"
    );
    // Beside properties in a member: untagged, the page's and the member's properties in each.
    let results = file(&generated, "src/models/results.rs");
    assert!(results.contains("Variant1(crate::models::ResultsVariant1),"), "{results}");
    let variant = file(&generated, "src/models/results_variant1.rs");
    for field in ["total", "kind", "pets"] {
        assert!(variant.contains(&format!("pub {field}: ")), "no `{field}` in:\n{variant}");
    }
    // One in each of two members: a struct for each pair.
    let delivery = file(&generated, "src/models/delivery.rs");
    for variant in ["ParcelExpress", "ParcelStandard", "LetterExpress", "LetterStandard"] {
        assert!(delivery.contains(&format!("{variant}(crate::models::Delivery{variant}),")), "{variant}:\n{delivery}");
    }
    let pair = file(&generated, "src/models/delivery_letter_express.rs");
    assert_eq!(field_type(pair, "pages"), "i64");
    assert_eq!(field_type(pair, "by"), "::chrono::DateTime<::chrono::Utc>");
}

#[test]
fn a_document_of_components_only_generates_models_and_no_operations() {
    let generated = generate(COMPONENTS_ONLY);
    assert_eq!(
        warnings(&generated),
        [
            "components-only.yaml#/paths: the document has no `paths`, which OpenAPI requires before 3.1: read as a document of components only, with models and no operations"
        ]
    );
    let operations: Vec<&String> = generated.files.keys().filter(|path| path.starts_with("src/operations/")).collect();
    assert_eq!(operations, ["src/operations/mod.rs"]);
    let widget = file(&generated, "src/models/widget.rs");
    assert_eq!(field_type(widget, "color"), "::std::option::Option<crate::models::Color>");
}

#[test]
fn parameters_are_sent_as_their_style_says() {
    let generated = generate(PARAMETERS);
    let list = file(&generated, "src/operations/list_items.rs");
    for line in [
        "request.query_object(::std::option::Option::None, value);",
        "request.query_object(::std::option::Option::Some(\"sort\"), value);",
        "request.query_json(\"where\", value);",
        "request.cookie(\"session\", value);",
        "request.header(\"X-Dry-Run\", value);",
        "request.query_delimited(\"ids\", value, \"|\");",
        "request.query_delimited(\"tags\", value, \" \");",
        "session: impl ::std::convert::Into<::std::string::String>,",
        "value: impl ::std::convert::Into<crate::models::Filter>,",
    ] {
        assert!(list.contains(line), "no {line:?} in:\n{list}");
    }
    let filter = file(&generated, "src/models/filter.rs");
    assert_eq!(
        field_type(filter, "id"),
        "::std::option::Option<::std::string::String>",
        "a read-only member is optional"
    );
    assert!(filter.contains("/// Read-only: the server sets it, so it is optional here. A UUID."), "{filter}");
    assert!(filter.contains("/// At least 0. Example: `9.5`."), "{filter}");
}

#[test]
fn composition_files() {
    assert_snapshots(COMPOSITION);
}

#[test]
fn composition_makes_merged_structs_and_unions() {
    let generated = generate(COMPOSITION);
    let cat = file(&generated, "src/models/cat.rs");
    for field in ["id", "kind", "owner", "indoor"] {
        assert!(cat.contains(&format!("pub {field}: ")), "allOf merges Animal's `{field}` into Cat:\n{cat}");
    }
    assert!(cat.contains("pub fn new(") && cat.contains("indoor: bool"), "{cat}");
    assert_eq!(
        field_type(file(&generated, "src/models/animal.rs"), "owner"),
        "::std::option::Option<crate::models::Owner>"
    );
    let pet = file(&generated, "src/models/pet.rs");
    assert!(
        pet.contains("::std::option::Option::Some(\"cat\")\n            | ::std::option::Option::Some(\"kitten\") =>"),
        "{pet}"
    );
    assert!(pet.contains("Unrecognized(::serde_json::Value),"), "{pet}");
    let query = file(&generated, "src/models/search_result_query.rs");
    assert!(query.contains("#[serde(untagged)]"), "{query}");
    let order: Vec<&str> = ["Variant4(", "StringArray(", "Integer(", "String(", "Unrecognized("]
        .into_iter()
        .filter(|variant| query.contains(&format!("    {variant}")))
        .collect();
    assert_eq!(order.len(), 5, "{query}");
    let positions: Vec<usize> = order.iter().map(|variant| query.find(&format!("    {variant}")).unwrap()).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "most specific first:\n{query}");
}

/// Builds the composition fixture's crate beside `tests/fixtures/roundtrip/composition.rs` and runs that
/// test, which decodes and re-encodes real payloads through it.
#[test]
fn composition_round_trips_json_exactly() {
    let target = workspace_root().join("target");
    let root = target.join("roundtrip-crates");
    let crate_dir = root.join("composition");
    generate(COMPOSITION).write(&crate_dir).expect("write the composition crate");
    let tests_dir = root.join("roundtrip");
    std::fs::create_dir_all(tests_dir.join("tests")).unwrap();
    std::fs::create_dir_all(tests_dir.join("src")).unwrap();
    std::fs::write(tests_dir.join("src/lib.rs"), "//! Round-trip tests of generated fixture crates.\n").unwrap();
    let manifest = "[package]\nname = \"roundtrip\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\ncomposition = { path = \"../composition\" }\nserde = \"1\"\nserde_json = \"1\"\n";
    std::fs::write(tests_dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(
        workspace_root().join("tests/fixtures/roundtrip/composition.rs"),
        tests_dir.join("tests/composition.rs"),
    )
    .unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"composition\", \"roundtrip\"]\n",
    )
    .unwrap();
    std::fs::copy(workspace_root().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let output = cargo(&root, &target.join("roundtrip-check"), &["test", "--offline", "-p", "roundtrip"]);
    assert_success(&output, "the round-trip tests", &root);
}

#[test]
fn bodies_are_encoded_and_decoded_as_their_media_types_say() {
    let generated = generate(NON_JSON_BODIES);
    let expect = [
        ("get_note", &["request.accept(\"text/plain; charset=utf-8\");", "200 => response.text(),"][..]),
        ("put_note", &["request.text_body(\"text/plain\", &self.body);", "204 => response.empty(),"]),
        ("download_file", &["request.accept(\"application/octet-stream\");", "200 => response.bytes(),"]),
        (
            "upload_file",
            &["request.bytes_body(\"image/png\", &self.body);", "body: impl ::std::convert::Into<::bytes::Bytes>,"],
        ),
        (
            "create_file",
            &[
                "request.multipart_body(&self.body);",
                "request.accept(\"application/vnd.example.file+json\");",
                "///   - `file`: a file, required",
            ],
        ),
        ("create_token", &["request.form_body(&self.body);", "200 => response.decode(),"]),
        (
            "get_report",
            &["200 => response.decode(),", "Answers with `application/json`. The API also offers `text/csv`"],
        ),
        (
            "render_report",
            &[
                "request.bytes_body(\"application/xml\", body);",
                "Sent as `application/xml`. The API also offers `text/plain`",
                "request.accept(\"application/pdf\");",
            ],
        ),
    ];
    for (operation, lines) in expect {
        let text = file(&generated, &format!("src/operations/{operation}.rs"));
        for line in lines {
            assert!(text.contains(line), "{operation}: no {line:?} in:\n{text}");
        }
    }
    let get_report = file(&generated, "src/operations/get_report.rs");
    assert!(!get_report.contains("request.accept("), "JSON alone is the default Accept:\n{get_report}");
}

#[test]
fn operations_without_an_id_or_a_success_response_still_generate() {
    let generated = generate(OPERATIONS_WITHOUT_IDS);
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "operations-without-ids.yaml#/paths/~1/get: operation has no operationId: named `get_root` from its method and path",
            "operations-without-ids.yaml#/paths/~1pets~1{petId}/get: operation has no operationId: named `get_pets_by_pet_id` from its method and path",
        ]
    );
    let get = file(&generated, "src/operations/get_pets_by_pet_id.rs");
    assert!(get.contains("200..=299 => response.decode(),"), "only a `default` response: any 2xx is its type:\n{get}");
    assert!(get.contains("verbose: bool,"), "the operation's required `verbose` overrides the path's:\n{get}");
    let delete = file(&generated, "src/operations/delete_pet.rs");
    assert!(delete.contains("#[deprecated"), "{delete}");
    assert!(delete.contains("200..=299 => response.empty(),"), "only error responses: any 2xx is `()`:\n{delete}");
    let root = file(&generated, "src/operations/get_root.rs");
    assert!(root.contains("200..=299 => response.decode(),"), "a 2XX range:\n{root}");
}

#[test]
fn component_and_inline_enums_keep_unknown_values() {
    let generated = generate(ENUM_UNKNOWN_VALUE);
    for (path, name) in [("src/models/status.rs", "Status"), ("src/models/thing_level.rs", "ThingLevel")] {
        let text = file(&generated, path);
        assert!(text.contains(&format!("pub enum {name} {{")), "{path}:\n{text}");
        assert!(text.contains("Unrecognized(crate::runtime::UnrecognizedValue),"), "{path}:\n{text}");
    }
    let status = file(&generated, "src/models/status.rs");
    assert!(status.contains("Self::PendingReview => \"pending-review\","), "{status}");
    let thing = file(&generated, "src/models/thing.rs");
    assert_eq!(field_type(thing, "status"), "crate::models::Status");
    assert_eq!(field_type(thing, "level"), "::std::option::Option<crate::models::ThingLevel>");
}

#[test]
fn required_fields_are_plain_and_optional_or_nullable_ones_are_options() {
    let generated = generate_compiled(OPTIONAL_VS_REQUIRED);
    let record = file(&generated, "src/models/record.rs");
    let expected = [
        ("id", "name", "::std::string::String"),
        ("count", "page_count", "i32"),
        ("total", "bytes", "i64"),
        ("ratio", "score", "f64"),
        ("weight", "temperature", "f32"),
        ("active", "archived", "bool"),
        ("created_at", "updated_at", "::chrono::DateTime<::chrono::Utc>"),
        ("day", "due_day", "::chrono::NaiveDate"),
        ("tags", "aliases", "::std::vec::Vec<::std::string::String>"),
        ("labels", "attributes", "::std::collections::BTreeMap<::std::string::String, ::std::string::String>"),
        ("owner", "reviewer", "crate::models::Owner"),
    ];
    for (required, optional, ty) in expected {
        assert_eq!(field_type(record, required), ty, "required `{required}`");
        assert_eq!(field_type(record, optional), format!("::std::option::Option<{ty}>"), "optional `{optional}`");
    }
    assert_eq!(field_type(record, "deleted_at"), "::std::option::Option<::chrono::DateTime<::chrono::Utc>>");
    assert!(
        record.contains("#[model(rename = \"deletedAt\", required)]"),
        "a required nullable field is given to `new` and always sent:\n{record}"
    );
}

/// `keep-unknown-members = false` (the closed baseline of `cargo xtask bench-decode`): no map of undeclared
/// members, which decoding skips; by default the map is there and keeps them.
#[test]
fn closed_structs_drop_undeclared_members_only_when_the_settings_say_so() {
    let path = audit_tests::spec_fixture(OPTIONAL_VS_REQUIRED);
    let text = std::fs::read_to_string(&path).expect("the fixture reads");
    let name = Path::new(OPTIONAL_VS_REQUIRED);
    let mut settings = Settings::for_spec(name);
    let open = genesys_audit_codegen::generate_str(name, &text, &settings, Layout::Standalone).expect("it generates");
    settings.models.keep_unknown_members = false;
    let closed = genesys_audit_codegen::generate_str(name, &text, &settings, Layout::Standalone).expect("it generates");
    let (open, closed) = (file(&open, "src/models/record.rs"), file(&closed, "src/models/record.rs"));
    // Both copy the runtime in, so what its derive would write is written out.
    assert!(open.contains("pub additional_properties: ") && open.contains("crate::runtime::unknown_member("), "{open}");
    assert!(
        !closed.contains("additional_properties") && closed.contains("crate::runtime::ignored_member("),
        "{closed}"
    );
}

#[test]
fn array_query_parameters_follow_explode() {
    let generated = generate(ARRAY_QUERY_PARAMETER);
    let repeated = file(&generated, "src/operations/get_user_events.rs");
    assert!(repeated.contains("request.query(\"expand\", value);"), "{repeated}");
    assert!(!repeated.contains("query_joined"), "{repeated}");
    assert!(repeated.contains("request.header(\"ININ-Request-Tag\", value);"), "{repeated}");
    assert!(repeated.contains("The server's default: `25`."), "{repeated}");
    let joined = file(&generated, "src/operations/get_events.rs");
    assert!(joined.contains("request.query_joined(\"entityType\", value);"), "{joined}");
}

#[test]
fn keyword_and_colliding_names_become_distinct_identifiers() {
    let generated = generate_compiled(KEYWORD_NAMES);
    let ty = file(&generated, "src/models/type_.rs");
    assert_eq!(field_type(ty, "type_"), "::std::string::String");
    let renamed = [
        ("self_", "self"),
        ("self2", "Self"),
        ("crate_", "crate"),
        ("async_", "async"),
        ("match_", "match"),
        ("foo_bar", "fooBar"),
        ("foo_bar2", "foo_bar"),
        ("x_1st_place", "1stPlace"),
        ("gr_xf6_xdf_e", "größe"),
        ("additional_properties2", "additional_properties"),
    ];
    for (rust, wire) in renamed {
        let at = ty.find(&format!("pub {rust}: ")).unwrap_or_else(|| panic!("no field `{rust}`:\n{ty}"));
        let attribute = &ty[ty[..at].rfind("#[model(").expect("a model attribute")..at];
        assert!(
            attribute.contains(&format!("rename = \"{wire}\"")),
            "field `{rust}` is not {wire:?} on the wire:\n{ty}"
        );
        assert!(field_type(ty, rust).starts_with("::std::option::Option<"), "field `{rust}` is not optional:\n{ty}");
    }
    // A field named as on the wire needs no `rename` (the derive's own locals step aside for fields named
    // like them: the runtime's expansion tests show it).
    for same in ["map", "name"] {
        let at = ty.find(&format!("\n    pub {same}: ")).unwrap_or_else(|| panic!("no field `{same}`:\n{ty}"));
        let line_before = ty[..at].rsplit('\n').next().unwrap_or_default();
        assert!(!line_before.contains("#[model("), "field `{same}` has more than it needs:\n{ty}");
    }
    let enumeration = file(&generated, "src/models/self_.rs");
    for (variant, wire) in [
        ("Unrecognized2", "Unrecognized"),
        ("Unknown", "UNKNOWN"),
        ("AB", "a-b"),
        ("AB2", "a_b"),
        ("X1stPlace", "1stPlace"),
    ] {
        let declared = format!("#[model(rename = \"{wire}\")]\n    {variant},");
        assert!(enumeration.contains(&declared), "{variant}:\n{enumeration}");
    }
    let models = file(&generated, "src/models/mod.rs");
    assert!(models.contains("pub use foo_bar2::FooBar2;") && models.contains("pub use error2::Error2;"), "{models}");
}

#[test]
fn parameters_named_like_builder_members_are_renamed() {
    let generated = generate(KEYWORD_NAMES);
    let operation = file(&generated, "src/operations/match_.rs");
    assert!(operation.contains("pub fn match_("), "{operation}");
    for setter in ["client2", "send2", "body2", "timeout2", "self_", "foo_bar", "foo_bar2", "gr_xf6_xdf_e"] {
        assert!(operation.contains(&format!("pub fn {setter}(")), "no setter {setter}:\n{operation}");
    }
    let new = file(&generated, "src/operations/new.rs");
    assert!(new.contains("pub fn new2("), "the client's own `new` is not shadowed:\n{new}");
}

#[test]
fn only_fields_that_close_an_inline_cycle_are_boxed() {
    let generated = generate(RECURSIVE_SCHEMA);
    // The inline type of `Person.manager` merges `Person`'s properties, `manager` among them: itself.
    let boxed = [
        ("node.rs", "next", "Node"),
        ("a.rs", "b", "B"),
        ("b.rs", "a", "A"),
        ("chain.rs", "link", "Link"),
        ("person_manager.rs", "manager", "PersonManager"),
    ];
    for (path, field, target) in boxed {
        let ty = field_type(file(&generated, &format!("src/models/{path}")), field);
        assert!(ty.contains(&format!("::std::boxed::Box<crate::models::{target}>")), "{path} {field}: {ty}");
    }
    let b = file(&generated, "src/models/b.rs");
    assert!(!field_type(b, "node").contains("Box<"), "B.node does not lead back to B:\n{b}");
    let tree = file(&generated, "src/models/tree.rs");
    assert!(!tree.contains("::std::boxed::Box<"), "a Vec or map of itself needs no box:\n{tree}");
}

#[test]
fn several_success_responses_make_an_output_enum() {
    let generated = generate(MULTIPLE_SUCCESS_RESPONSES);
    let get = file(&generated, "src/operations/get_link.rs");
    assert!(get.contains("Ok(crate::models::Target),") && get.contains("Found(crate::models::Redirect),"), "{get}");
    let put = file(&generated, "src/operations/put_link.rs");
    assert!(put.contains("Created(crate::models::Target),") && put.contains("NoContent,"), "{put}");
    let delete = file(&generated, "src/operations/delete_link.rs");
    assert!(delete.contains("204 => response.empty(),"), "{delete}");
    let client = file(&generated, "src/client.rs");
    assert!(client.contains("pub type Error = crate::runtime::Error<crate::models::ErrorBody>;"), "{client}");
}

/// Text rustc refuses in a source file (a bare carriage return, characters that change the direction of
/// text) is escaped where spec text reaches doc comments, and kept on the wire; the compile check builds it.
#[test]
fn text_rustc_refuses_in_source_is_escaped_in_doc_comments() {
    let generated = generate(ODD_TEXT);
    for (path, text) in spec_files(&generated) {
        let refused = text.chars().find(|c| matches!(c, '\r' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'));
        assert_eq!(refused, None, "{path} holds a character rustc refuses");
    }
    let thing = file(&generated, "src/models/thing.rs");
    let member = "crate::runtime::member(&mut map, &mut name, \"name\\u{202e}\")";
    for escaped in ["/// A thing.\\u{d}With a carriage return.", "/// Sets `name\\u{202e}`.", member] {
        assert!(thing.contains(escaped), "no {escaped:?} in:\n{thing}");
    }
    // Depending on the runtime crate, the derive is told the wire name, escaped alike.
    let compiled = generate_compiled(ODD_TEXT);
    let thing = file(&compiled, "src/models/thing.rs");
    assert!(thing.contains("#[model(rename = \"name\\u{202e}\")]"), "{thing}");
}

/// Where the scratch workspace of generated crates lives, and its build directory.
fn scratch_dirs() -> (PathBuf, PathBuf) {
    let target = workspace_root().join("target");
    (target.join("fixture-crates"), target.join("fixture-check"))
}

/// The member directory (the crate name) of each spec, in [`COMPILED`] order.
fn member_names() -> Vec<String> {
    COMPILED.iter().map(|spec| Settings::for_spec(Path::new(spec)).krate.name).collect()
}

/// Writes the scratch workspace: one member per spec, the root manifest and the main workspace's lock file.
fn write_scratch_workspace(root: &Path, members: &[String]) {
    std::fs::create_dir_all(root).expect("create the scratch workspace");
    remove_stale_members(root, members);
    for (spec, member) in COMPILED.iter().zip(members) {
        let generated = generate_compiled(spec);
        generated.write(&root.join(member)).unwrap_or_else(|err| panic!("write {member}: {err}"));
    }
    let list: Vec<String> = members.iter().map(|member| format!("{member:?}")).collect();
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", list.join(", "));
    std::fs::write(root.join("Cargo.toml"), manifest).expect("write the scratch manifest");
    std::fs::copy(workspace_root().join("Cargo.lock"), root.join("Cargo.lock")).expect("copy Cargo.lock");
}

/// Removes member directories of specs that are no longer compiled.
fn remove_stale_members(root: &Path, members: &[String]) {
    for entry in std::fs::read_dir(root).expect("read the scratch workspace") {
        let path = entry.expect("read a scratch entry").path();
        let keep =
            path.file_name().and_then(|name| name.to_str()).is_some_and(|name| members.iter().any(|m| m == name));
        if path.is_dir() && !keep {
            std::fs::remove_dir_all(&path).unwrap_or_else(|err| panic!("remove {}: {err}", path.display()));
        }
    }
}

#[test]
fn every_fixture_compiles_without_warnings_and_passes_clippy() {
    let (root, target_dir) = scratch_dirs();
    let members = member_names();
    write_scratch_workspace(&root, &members);
    let started = Instant::now();
    let clippy = ["clippy", "--offline", "--keep-going", "--workspace", "--all-targets", "--", "-D", "warnings"];
    let output = cargo(&root, &target_dir, &clippy);
    eprintln!("cargo clippy on {} crates took {:.1?}", members.len(), started.elapsed());
    assert_success(&output, "cargo clippy on the generated crates", &root);
}
