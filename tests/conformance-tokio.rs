//! The driver conformance suite (`conformance/mod.rs`) against driver-tokio.

#[path = "conformance/mod.rs"]
mod conformance;

conformance::suite!(
    conformance::mount_tokio::Tokio;
    echo_reports_the_request,
    keep_alive,
    pipelining,
    head_has_no_body,
    http10_closes,
    chunked_request_body,
    chunked_response,
    trailers,
    continue_when_the_body_is_read,
    no_continue_without_reading,
    upgrade,
    header_timeout_408,
    body_timeout,
    idle_timeout,
    connection_limit,
    graceful_shutdown,
    panic_is_500,
    error_is_500,
    body_error_cuts_the_response,
    bad_request_400,
    smuggling_is_refused,
    large_request_body_streams,
    large_response_body_streams,
    files_are_sent_by_the_driver,
    a_slow_reader_of_a_file_keeps_its_connection,
    a_steady_reader_gets_a_large_response_whole,
    a_body_made_of_the_request_s_gets_its_100_first,
    trailers_of_a_sized_body_are_sent,
    a_peer_that_reads_nothing_is_cut_off,
    the_handler_knows_the_peer_s_address,
    a_slow_answer_to_a_request_expecting_100_comes_whole,
    a_body_read_after_its_exchange_is_over_is_cut_short,
    a_body_given_to_a_204_or_304_is_dropped,
    a_request_begun_before_a_shutdown_is_answered,
);
