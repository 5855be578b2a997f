//! Path parameters.

use super::*;

#[tokio::test]
async fn path_parameter_is_percent_encoded_as_one_segment() {
    let (server, client) = serve_json(200, results_page()).await;
    client.get_audits_query_transaction_id_results("a/b c?d").send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/v2/audits/query/a%2Fb%20c%3Fd/results");
    assert_eq!(request.url.query(), None);
    assert_eq!(request.url.path_segments().unwrap().count(), 6);
}

#[tokio::test]
async fn empty_path_parameter_is_an_invalid_argument_and_sends_nothing() {
    let (server, client) = serve_json(200, status_response("Running")).await;
    let err = client.get_audits_query_transaction_id("").send().await.expect_err("an empty id is refused");
    match &err {
        Error::InvalidArgument { operation, message } => {
            assert_eq!(*operation, "getAuditsQueryTransactionId");
            assert_eq!(message, "path parameter `transactionId` is empty");
        }
        other => panic!("expected Error::InvalidArgument, got {other:?}"),
    }
    assert_eq!(err.status(), None);
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn path_parameter_reserved_characters_are_percent_encoded() {
    let (server, client) = serve_json(200, status_response("Running")).await;
    client.get_audits_query_transaction_id("50%#frag é").send().await.unwrap();
    assert_eq!(only_request(&server).await.url.path(), "/api/v2/audits/query/50%25%23frag%20%C3%A9");
}

/// A path parameter of `.` or `..` would be dropped or resolved as a dot-segment, addressing another
/// resource (`..` on the results call would ask for the transaction `results`): it must be refused.
#[tokio::test]
async fn dot_segment_path_parameter_is_an_invalid_argument_and_sends_nothing() {
    let mut outcomes = Vec::new();
    for id in [".", ".."] {
        let (server, client) = serve_json(200, results_page()).await;
        let result = client.get_audits_query_transaction_id_results(id).send().await;
        let refused =
            matches!(result, Err(Error::InvalidArgument { operation: "getAuditsQueryTransactionIdResults", .. }));
        let sent: Vec<_> =
            server.received_requests().await.unwrap().into_iter().map(|r| r.url.path().to_owned()).collect();
        outcomes.push((id, refused, sent));
    }
    let expected = vec![(".", true, vec![]), ("..", true, vec![])];
    assert_eq!(outcomes, expected, "(transactionId, refused as InvalidArgument, paths requested)");
}

#[tokio::test]
async fn empty_path_parameter_of_results_sends_nothing() {
    let (server, client) = serve_json(200, results_page()).await;
    let err = client.get_audits_query_transaction_id_results("").page_size(10).send().await.expect_err("refused");
    assert!(matches!(err, Error::InvalidArgument { operation: "getAuditsQueryTransactionIdResults", .. }), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}
