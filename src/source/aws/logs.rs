//! Endpoint and monitoring-job logs on CloudWatch Logs: Insights (StartQuery, GetQueryResults,
//! StopQuery), FilterLogEvents pages, and the live tail (StartLiveTail's event stream), each
//! sent by the client the topology calls for: under OAM the monitoring account's, naming a
//! source account's groups by ARN; in fan-out the account's own (its role), by name. Also the
//! interceptor that lets the live tail reach an endpoint override (the SDK puts a `stream-`
//! host prefix in front of any endpoint, a local emulator's or a VPC endpoint's included).

use super::error::classify;
use crate::logs::groups::group_arn;
use crate::sanitize::{Sanitize, clean};
use crate::source::SourceError;
use crate::source::health::Health;
use crate::source::logs::{
    EventsPage, InsightsQuery, InsightsResults, InsightsState, InsightsStats, LiveError,
    LiveSession, LiveUpdate, LogEvent, LogTarget, LogsSource,
};
use crate::source::model::AccountId;
use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::{
    LiveTailSessionUpdate, QueryStatus, StartLiveTailResponseStream,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::HashMap;

/// StartLiveTail's bound on log groups.
const LIVE_TAIL_MAX_GROUPS: usize = 10;
/// GetQueryResults pages read for one answer (each up to 10,000 rows).
const RESULT_PAGES: usize = 10;
/// The prefix of a page token of several groups (one FilterLogEvents token per group).
const MULTI_TOKEN: &str = "sagewatch-groups:";

/// How the console reaches a source account's logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogsTopology {
    /// Through the monitoring account's OAM sink: its client, source groups by ARN.
    Oam,
    /// Through each account's own credentials (its role or profile), groups by name.
    Fanout,
}

/// CloudWatch Logs for the console: the monitoring account's client and, in fan-out, each
/// credentialed account's.
#[derive(Debug, Clone)]
pub struct AwsLogs {
    region: String,
    home_account: AccountId,
    topology: LogsTopology,
    home: Client,
    accounts: HashMap<AccountId, Client>,
    health: Health,
}

/// Which client sends a call, and how it names the target's groups.
struct Route<'a> {
    client: &'a Client,
    /// The groups by ARN (a source account's from the monitoring account), else by name.
    by_arn: bool,
}

impl AwsLogs {
    /// Logs on clients built elsewhere (`connect` builds the console's with
    /// `connect::logs_client`; tests build them on aws-smithy-mocks or against moto).
    /// `region` names the groups' ARNs.
    pub fn new(
        region: impl Into<String>,
        home_account: impl Into<AccountId>,
        topology: LogsTopology,
        home: Client,
        accounts: HashMap<AccountId, Client>,
        health: Health,
    ) -> Self {
        Self {
            region: region.into(),
            home_account: home_account.into(),
            topology,
            home,
            accounts,
            health,
        }
    }

    /// The client that reads `account_id`'s logs and how it names them; an account the
    /// console has no way to read says why and what to do.
    fn route(&self, account_id: &str, call: &str) -> Result<Route<'_>, SourceError> {
        if account_id == self.home_account {
            return Ok(Route {
                client: &self.home,
                by_arn: false,
            });
        }
        match self.topology {
            LogsTopology::Oam => Ok(Route {
                client: &self.home,
                by_arn: true,
            }),
            LogsTopology::Fanout => match self.accounts.get(account_id) {
                Some(client) => Ok(Route {
                    client,
                    by_arn: false,
                }),
                None => Err(SourceError::Other {
                    call: call.to_owned(),
                    detail: format!(
                        "no credentials for account {}: add role_arn (or profile) for it to the \
                         config's [[accounts]] to read its logs",
                        clean(account_id)
                    ),
                }),
            },
        }
    }

    fn arn(&self, account_id: &str, group: &str) -> String {
        group_arn(&self.region, account_id, group)
    }

    /// The target's groups as the route names them.
    fn identifiers(&self, target: &LogTarget, by_arn: bool) -> Vec<String> {
        target
            .groups
            .iter()
            .map(|g| {
                if by_arn {
                    self.arn(&target.account_id, g)
                } else {
                    g.clone()
                }
            })
            .collect()
    }

    fn track<T>(&self, call: &str, result: Result<T, SourceError>) -> Result<T, SourceError> {
        self.health.outcome(call, &result);
        result
    }

    /// One FilterLogEvents page of one group.
    async fn filter_one(
        &self,
        route: &Route<'_>,
        target: &LogTarget,
        group: &str,
        page: PageRequest<'_>,
        call: &str,
    ) -> Result<(Vec<LogEvent>, Option<String>), SourceError> {
        let mut request = route
            .client
            .filter_log_events()
            .set_log_stream_name_prefix(target.stream_prefix.clone())
            .set_filter_pattern(page.pattern.map(str::to_owned))
            .start_time(page.start_ms)
            .set_end_time(page.end_ms)
            .set_next_token(page.next.map(str::to_owned));
        request = if route.by_arn {
            request.log_group_identifier(self.arn(&target.account_id, group))
        } else {
            request.log_group_name(group)
        };
        let out = request
            .send()
            .await
            .map_err(|e| failed(call, "logs:FilterLogEvents", e))?;
        let prefix = target.stream_prefix.as_deref().unwrap_or("");
        let events = out
            .events()
            .iter()
            // AWS filters by prefix already; an endpoint that ignores the prefix (an emulator)
            // must not show another job's lines as this one's.
            .filter(|e| e.log_stream_name().unwrap_or("").starts_with(prefix))
            .map(|e| {
                LogEvent::new(
                    e.timestamp().unwrap_or(0),
                    e.log_stream_name().unwrap_or(""),
                    e.message().unwrap_or("").as_bytes(),
                    e.event_id(),
                )
            })
            .collect();
        Ok((events, out.next_token().map(str::to_owned)))
    }
}

/// What one FilterLogEvents call asks for besides the group.
#[derive(Clone, Copy)]
struct PageRequest<'a> {
    pattern: Option<&'a str>,
    start_ms: i64,
    end_ms: Option<i64>,
    next: Option<&'a str>,
}

/// An SDK error as a `SourceError`, sanitised: its message comes from the wire.
fn failed<E, R>(call: &str, action: &str, err: SdkError<E, R>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let mut e = classify(call, action, err);
    e.sanitize();
    e
}

/// GetQueryResults' status in the domain's words; one added to the API later is Unknown
/// (not finished: the poll goes on until a status this code knows).
fn insights_state(status: Option<&QueryStatus>) -> Option<InsightsState> {
    status.map(|s| match s {
        QueryStatus::Scheduled => InsightsState::Scheduled,
        QueryStatus::Running => InsightsState::Running,
        QueryStatus::Complete => InsightsState::Complete,
        QueryStatus::Failed => InsightsState::Failed,
        QueryStatus::Cancelled => InsightsState::Cancelled,
        QueryStatus::Timeout => InsightsState::Timeout,
        _ => InsightsState::Unknown,
    })
}

/// Several groups' FilterLogEvents tokens as one: `(group index, token)` of every group with
/// more to read. One group's token is AWS's own.
fn encode_tokens(tokens: &[(usize, String)]) -> String {
    let list: Vec<serde_json::Value> = tokens
        .iter()
        .map(|(i, t)| serde_json::json!([i, t]))
        .collect();
    format!("{MULTI_TOKEN}{}", serde_json::Value::Array(list))
}

fn decode_tokens(token: &str, groups: usize) -> Option<Vec<(usize, String)>> {
    let json = token.strip_prefix(MULTI_TOKEN)?;
    let list: Vec<(usize, String)> = serde_json::from_str(json).ok()?;
    list.iter().all(|(i, _)| *i < groups).then_some(list)
}

/// Events of a live tail update, made safe.
fn live_update(update: &LiveTailSessionUpdate) -> LiveUpdate {
    LiveUpdate {
        events: update
            .session_results()
            .iter()
            .map(|e| {
                LogEvent::new(
                    e.timestamp().unwrap_or(0),
                    e.log_stream_name().unwrap_or(""),
                    e.message().unwrap_or("").as_bytes(),
                    None,
                )
            })
            .collect(),
        sampled: update.session_metadata().is_some_and(|m| m.sampled()),
    }
}

/// Error codes of an endpoint that does not serve an operation at all.
const NOT_SERVED: &[&str] = &[
    "UnknownOperationException",
    "UnknownOperation",
    "InvalidAction",
    "NotImplemented",
    "NotImplementedException",
];

/// Why a live tail could not start or went on no longer, as the tail's follower needs it:
/// start again (a timeout, the network, throttling), or poll FilterLogEvents instead (no
/// permission, an endpoint that does not serve StartLiveTail). `status` is the HTTP status
/// of the answer, when there was one. Every word from the wire is sanitised.
pub fn live_error<E, R>(err: SdkError<E, R>, status: Option<u16>, call: &str) -> LiveError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(service) = &err {
        let code = service.err().code().unwrap_or_default();
        let message = service.err().message().unwrap_or_default();
        let said = || {
            let text = if message.is_empty() { code } else { message };
            let flat = clean(text).split_whitespace().collect::<Vec<_>>().join(" ");
            flat.chars().take(200).collect::<String>()
        };
        if code == "SessionTimeoutException" {
            return LiveError::SessionTimeout;
        }
        // Asking again cannot help: no such group (a misspelt name, an endpoint that never
        // logged), or a filter pattern AWS refuses.
        if code == "ResourceNotFoundException" || code == "InvalidParameterException" {
            return LiveError::Fatal(failed(call, "logs:StartLiveTail", err));
        }
        if code == "AccessDeniedException" || code == "AccessDenied" {
            return LiveError::Unsupported(format!(
                "live tail is not allowed (needs logs:StartLiveTail): {}",
                said()
            ));
        }
        let lower = message.to_ascii_lowercase();
        if NOT_SERVED.contains(&code)
            || matches!(status, Some(404 | 501)) && code != "ResourceNotFoundException"
            || lower.contains("not implemented")
            || lower.contains("not yet implemented")
            || lower.contains("not yet been emulated")
        {
            return LiveError::Unsupported(format!(
                "this endpoint does not serve live tail (logs:StartLiveTail): {}",
                said()
            ));
        }
    }
    // An answer that is not AWS's at all (a proxy's or an emulator's page) at a path nobody
    // serves.
    if matches!(err, SdkError::ResponseError(_)) && matches!(status, Some(404 | 501)) {
        return LiveError::Unsupported(
            "this endpoint does not serve live tail (logs:StartLiveTail)".into(),
        );
    }
    LiveError::Failed(failed(call, "logs:StartLiveTail", err))
}

/// Why an open session ended. The 3-hour end is matched by its type: an event-stream
/// exception's code is read from its payload, which need not name it.
fn stream_error<R>(err: SdkError<StartLiveTailResponseStreamError, R>, call: &str) -> LiveError
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(service) = &err
        && matches!(
            service.err(),
            StartLiveTailResponseStreamError::SessionTimeoutException(_)
        )
    {
        return LiveError::SessionTimeout;
    }
    live_error(err, None, call)
}

/// An open StartLiveTail event stream.
struct AwsLiveSession {
    stream: EventReceiver<StartLiveTailResponseStream, StartLiveTailResponseStreamError>,
    call: String,
}

#[async_trait]
impl LiveSession for AwsLiveSession {
    async fn next(&mut self) -> Result<Option<LiveUpdate>, LiveError> {
        loop {
            match self.stream.recv().await {
                Ok(Some(StartLiveTailResponseStream::SessionUpdate(update))) => {
                    return Ok(Some(live_update(&update)));
                }
                // SessionStart says what was asked; an event type added later says nothing
                // this tail shows.
                Ok(Some(_)) => continue,
                Ok(None) => return Ok(None),
                Err(e) => return Err(stream_error(e, &self.call)),
            }
        }
    }
}

#[async_trait]
impl LogsSource for AwsLogs {
    async fn start_query(&self, query: &InsightsQuery) -> Result<String, SourceError> {
        let call = format!("StartQuery {}", query.target.account_id);
        let result = async {
            let route = self.route(&query.target.account_id, &call)?;
            if query.target.groups.is_empty() {
                return Err(no_groups(&call));
            }
            let groups = self.identifiers(&query.target, route.by_arn);
            let request = route
                .client
                .start_query()
                .query_string(&query.query)
                .start_time(query.start)
                .end_time(query.end);
            // Names go in logGroupNames (every endpoint takes them); ARNs need
            // logGroupIdentifiers, where a monitoring account names a source account's groups.
            let request = if route.by_arn {
                request.set_log_group_identifiers(Some(groups))
            } else {
                request.set_log_group_names(Some(groups))
            };
            let out = request
                .send()
                .await
                .map_err(|e| failed(&call, "logs:StartQuery", e))?;
            out.query_id()
                .filter(|id| !id.is_empty())
                .map(|id| clean(id).into_owned())
                .ok_or_else(|| SourceError::Other {
                    call: call.clone(),
                    detail: "CloudWatch Logs answered without a queryId".into(),
                })
        }
        .await;
        self.track(&call, result)
    }

    async fn query_results(
        &self,
        target: &LogTarget,
        query_id: &str,
    ) -> Result<InsightsResults, SourceError> {
        let call = format!("GetQueryResults {}", target.account_id);
        let result = async {
            let route = self.route(&target.account_id, &call)?;
            let mut state = None;
            let mut stats = InsightsStats::default();
            let mut pages = Vec::new();
            let mut next: Option<String> = None;
            for _ in 0..RESULT_PAGES {
                let out = route
                    .client
                    .get_query_results()
                    .query_id(query_id)
                    .set_next_token(next.take())
                    .send()
                    .await
                    .map_err(|e| failed(&call, "logs:GetQueryResults", e))?;
                state = insights_state(out.status());
                if let Some(s) = out.statistics() {
                    stats = InsightsStats {
                        records_matched: s.records_matched(),
                        records_scanned: s.records_scanned(),
                        bytes_scanned: s.bytes_scanned(),
                    };
                }
                next = out
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                pages.push(out);
                if next.is_none() {
                    break;
                }
            }
            let rows = pages.iter().flat_map(|p| p.results()).map(|row| {
                row.iter()
                    .map(|f| (f.field().unwrap_or(""), f.value().unwrap_or("")))
                    .collect::<Vec<_>>()
            });
            Ok(InsightsResults::from_fields(state, stats, rows))
        }
        .await;
        self.track(&call, result)
    }

    async fn stop_query(&self, target: &LogTarget, query_id: &str) -> Result<(), SourceError> {
        let call = format!("StopQuery {}", target.account_id);
        let result = async {
            let route = self.route(&target.account_id, &call)?;
            route
                .client
                .stop_query()
                .query_id(query_id)
                .send()
                .await
                .map_err(|e| failed(&call, "logs:StopQuery", e))?;
            Ok(())
        }
        .await;
        self.track(&call, result)
    }

    async fn filter_events(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        next: Option<&str>,
    ) -> Result<EventsPage, SourceError> {
        let call = format!("FilterLogEvents {}", target.account_id);
        let result = async {
            let route = self.route(&target.account_id, &call)?;
            let page = |next| PageRequest {
                pattern,
                start_ms,
                end_ms,
                next,
            };
            match target.groups.as_slice() {
                [] => Err(no_groups(&call)),
                [group] => {
                    let (events, next) = self
                        .filter_one(&route, target, group, page(next), &call)
                        .await?;
                    Ok(EventsPage { events, next })
                }
                // FilterLogEvents takes one group (by name or by ARN): every group is read
                // a page at a time, and the pages merged by time.
                groups => {
                    let todo: Vec<(usize, Option<String>)> = match next {
                        None => (0..groups.len()).map(|i| (i, None)).collect(),
                        Some(token) => decode_tokens(token, groups.len())
                            .ok_or_else(|| SourceError::Other {
                                call: call.clone(),
                                detail: "a page token of another query".into(),
                            })?
                            .into_iter()
                            .map(|(i, t)| (i, Some(t)))
                            .collect(),
                    };
                    let reads = todo.iter().map(|(i, token)| {
                        let route = &route;
                        let call = &call;
                        async move {
                            let read = self
                                .filter_one(
                                    route,
                                    target,
                                    &groups[*i],
                                    page(token.as_deref()),
                                    call,
                                )
                                .await;
                            read.map(|(events, next)| (*i, events, next))
                        }
                    });
                    let mut events = Vec::new();
                    let mut more = Vec::new();
                    for read in futures::future::try_join_all(reads).await? {
                        let (i, page_events, next) = read;
                        events.extend(page_events);
                        if let Some(t) = next {
                            more.push((i, t));
                        }
                    }
                    events.sort_by_key(|e| e.timestamp_ms);
                    let next = (!more.is_empty()).then(|| encode_tokens(&more));
                    Ok(EventsPage { events, next })
                }
            }
        }
        .await;
        self.track(&call, result)
    }

    async fn live_tail(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
    ) -> Result<Box<dyn LiveSession>, LiveError> {
        let call = format!("StartLiveTail {}", target.account_id);
        let route = self
            .route(&target.account_id, &call)
            .map_err(LiveError::Failed)?;
        match target.groups.len() {
            0 => return Err(LiveError::Failed(no_groups(&call))),
            n if n > LIVE_TAIL_MAX_GROUPS => {
                return Err(LiveError::Unsupported(format!(
                    "live tail takes at most {LIVE_TAIL_MAX_GROUPS} log groups ({n} asked)"
                )));
            }
            n if n > 1 && target.stream_prefix.is_some() => {
                return Err(LiveError::Unsupported(
                    "live tail takes a stream prefix with one log group only".into(),
                ));
            }
            _ => {}
        }
        // StartLiveTail takes groups by ARN only, the caller's own too.
        let arns = target
            .groups
            .iter()
            .map(|g| self.arn(&target.account_id, g))
            .collect();
        let sent = route
            .client
            .start_live_tail()
            .set_log_group_identifiers(Some(arns))
            .set_log_stream_name_prefixes(target.stream_prefix.clone().map(|p| vec![p]))
            .set_log_event_filter_pattern(pattern.map(str::to_owned))
            .send()
            .await;
        match sent {
            Ok(out) => {
                self.health.outcome::<()>(&call, &Ok(()));
                Ok(Box::new(AwsLiveSession {
                    stream: out.response_stream,
                    call,
                }))
            }
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                let err = live_error(e, status, &call);
                if let LiveError::Failed(source) = &err {
                    self.health.outcome::<()>(&call, &Err(source.clone()));
                }
                Err(err)
            }
        }
    }
}

fn no_groups(call: &str) -> SourceError {
    SourceError::Other {
        call: call.to_owned(),
        detail: "no log group to read".into(),
    }
}

/// Takes the host prefix the SDK puts in front of StartLiveTail's endpoint (`stream-`;
/// `streaming-` in other SDKs' models) off again when the endpoint is an override: AWS serves
/// `stream-logs.REGION.amazonaws.com`, but `stream-127.0.0.1` or `stream-vpce-...` do not
/// resolve. Registered only on clients with an endpoint override, and even there it changes
/// only a host that is exactly the prefix plus the override's host.
#[derive(Debug, Default)]
pub struct LiveTailEndpoint;

/// The host prefixes a live tail request may carry.
const HOST_PREFIXES: [&str; 2] = ["streaming-", "stream-"];

/// `uri` with the live tail's host prefix taken off, when its host is the prefix followed
/// by `override_url`'s host; `None` to leave it as it is.
pub fn without_host_prefix(uri: &str, override_url: &str) -> Option<String> {
    let (_, wanted) = split_host(override_url)?;
    let (start, host) = split_host(uri)?;
    let prefix = HOST_PREFIXES.iter().find(|p| {
        host.len() > p.len()
            && host.is_char_boundary(p.len())
            && host[..p.len()].eq_ignore_ascii_case(p)
            && host[p.len()..].eq_ignore_ascii_case(wanted)
    })?;
    let mut out = String::with_capacity(uri.len());
    out.push_str(&uri[..start]);
    out.push_str(&uri[start + prefix.len()..]);
    Some(out)
}

/// Where the host of a URL starts, and the host (without user info or port).
fn split_host(url: &str) -> Option<(usize, &str)> {
    let after_scheme = url.find("://")? + 3;
    let rest = &url[after_scheme..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let host_and_port = &authority[host_start..];
    let host = if host_and_port.starts_with('[') {
        // An IPv6 literal: its colons are not the port's.
        &host_and_port[..host_and_port
            .find(']')
            .map_or(host_and_port.len(), |e| e + 1)]
    } else {
        &host_and_port[..host_and_port.find(':').unwrap_or(host_and_port.len())]
    };
    (!host.is_empty()).then_some((after_scheme + host_start, host))
}

impl Intercept for LiveTailEndpoint {
    fn name(&self) -> &'static str {
        "sagewatch::LiveTailEndpoint"
    }

    /// After the endpoint (and its prefix) is applied, before the request is signed: the
    /// signature covers the host that is really called.
    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(endpoint) = cfg.load::<aws_types::endpoint_config::EndpointUrl>() else {
            return Ok(());
        };
        let request = context.request_mut();
        if let Some(uri) = without_host_prefix(request.uri(), &endpoint.0) {
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailError;
    use aws_sdk_cloudwatchlogs::types::error::{
        AccessDeniedException, SessionStreamingException, SessionTimeoutException,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;
    use aws_smithy_types::event_stream::{Message, RawMessage};

    fn http(status: u16) -> HttpResponse {
        HttpResponse::new(status.try_into().unwrap(), SdkBody::empty())
    }

    fn start(err: StartLiveTailError, status: u16) -> LiveError {
        live_error(
            SdkError::service_error(err, http(status)),
            Some(status),
            "StartLiveTail 1",
        )
    }

    fn generic(code: &str, message: &str) -> ErrorMetadata {
        ErrorMetadata::builder().code(code).message(message).build()
    }

    #[test]
    fn a_denied_live_tail_falls_back_and_says_which_permission() {
        let denied = StartLiveTailError::AccessDeniedException(
            AccessDeniedException::builder()
                .message("User is not authorized\x1b[2J to perform logs:StartLiveTail")
                .meta(generic("AccessDeniedException", "User is not authorized"))
                .build(),
        );
        match start(denied, 400) {
            LiveError::Unsupported(why) => {
                assert!(why.contains("logs:StartLiveTail"), "{why}");
                assert!(
                    !why.chars().any(crate::sanitize::needs_replacing),
                    "{why:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_endpoint_that_does_not_serve_live_tail_falls_back() {
        let unknown = StartLiveTailError::generic(generic("UnknownOperationException", ""));
        assert!(
            matches!(start(unknown, 400), LiveError::Unsupported(w) if w.contains("does not serve"))
        );
        let not_found = StartLiveTailError::generic(ErrorMetadata::builder().build());
        assert!(matches!(start(not_found, 404), LiveError::Unsupported(_)));
        // LocalStack's answer to an operation it does not emulate.
        let localstack = StartLiveTailError::generic(generic(
            "InternalFailure",
            "The API action 'StartLiveTail' for service 'logs' is either not available in your \
             current license plan or has not yet been emulated by LocalStack.",
        ));
        assert!(matches!(start(localstack, 501), LiveError::Unsupported(_)));
        // A group that does not exist, a pattern AWS refuses: asking again cannot help.
        for code in ["ResourceNotFoundException", "InvalidParameterException"] {
            let e = StartLiveTailError::generic(generic(code, "no"));
            assert!(matches!(start(e, 400), LiveError::Fatal(_)), "{code}");
        }
        let not_implemented =
            StartLiveTailError::generic(generic("InternalFailure", "not implemented"));
        assert!(matches!(
            start(not_implemented, 500),
            LiveError::Unsupported(_)
        ));
    }

    #[test]
    fn a_session_timeout_starts_again_and_other_failures_are_failures() {
        let raw = || RawMessage::Decoded(Message::new(&b""[..]));
        let timeout = SdkError::service_error(
            StartLiveTailResponseStreamError::SessionTimeoutException(
                SessionTimeoutException::builder()
                    .message("after 3 hours")
                    .meta(generic("SessionTimeoutException", "after 3 hours"))
                    .build(),
            ),
            raw(),
        );
        assert_eq!(live_error(timeout, None, "x"), LiveError::SessionTimeout);
        // As AWS may send it: a payload with a message only, no code.
        let bare = SdkError::service_error(
            StartLiveTailResponseStreamError::SessionTimeoutException(
                SessionTimeoutException::builder()
                    .message("after 3 hours")
                    .build(),
            ),
            raw(),
        );
        assert_eq!(stream_error(bare, "x"), LiveError::SessionTimeout);
        let streaming = SdkError::service_error(
            StartLiveTailResponseStreamError::SessionStreamingException(
                SessionStreamingException::builder()
                    .message("internal")
                    .meta(generic("SessionStreamingException", "internal"))
                    .build(),
            ),
            raw(),
        );
        assert!(matches!(
            live_error(streaming, None, "x"),
            LiveError::Failed(_)
        ));
        let throttled = StartLiveTailError::generic(generic("ThrottlingException", "slow down"));
        assert!(matches!(
            start(throttled, 400),
            LiveError::Failed(SourceError::Throttled { .. })
        ));
        let network = SdkError::<StartLiveTailError, HttpResponse>::dispatch_failure(
            aws_smithy_runtime_api::client::result::ConnectorError::io(Box::new(
                std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused"),
            )),
        );
        assert!(matches!(
            live_error(network, None, "x"),
            LiveError::Failed(SourceError::Network { .. })
        ));
    }

    #[test]
    fn the_prefix_is_taken_off_only_an_override_host() {
        let local = "http://127.0.0.1:4566";
        assert_eq!(
            without_host_prefix("http://stream-127.0.0.1:4566/", local).as_deref(),
            Some("http://127.0.0.1:4566/")
        );
        assert_eq!(
            without_host_prefix("http://streaming-127.0.0.1:4566/?x=1", local).as_deref(),
            Some("http://127.0.0.1:4566/?x=1")
        );
        let vpce = "https://vpce-0a1b-x.logs.eu-west-1.vpce.amazonaws.com";
        assert_eq!(
            without_host_prefix(
                "https://stream-vpce-0a1b-x.logs.eu-west-1.vpce.amazonaws.com/",
                vpce
            )
            .as_deref(),
            Some("https://vpce-0a1b-x.logs.eu-west-1.vpce.amazonaws.com/")
        );
        // Already right, AWS's own host, another host: left as they are.
        assert_eq!(without_host_prefix("http://127.0.0.1:4566/", local), None);
        assert_eq!(
            without_host_prefix(
                "https://stream-logs.eu-west-1.amazonaws.com/",
                "https://logs.eu-west-2.amazonaws.com"
            ),
            None
        );
        assert_eq!(
            without_host_prefix("http://stream-10.0.0.1:4566/", local),
            None
        );
        // A host of the override's that itself starts like the prefix.
        assert_eq!(
            without_host_prefix("http://stream-stream-proxy:80/", "http://stream-proxy:80")
                .as_deref(),
            Some("http://stream-proxy:80/")
        );
        assert_eq!(
            without_host_prefix("http://stream-proxy:80/", "http://stream-proxy:80"),
            None
        );
        assert_eq!(without_host_prefix("garbage", local), None);
        assert_eq!(
            without_host_prefix("http://stream-é/", "http://é"),
            Some("http://é/".into())
        );
    }

    #[test]
    fn several_groups_tokens_round_trip_and_a_foreign_token_is_refused() {
        let tokens = vec![(0, "a\"b".to_string()), (2, "c".to_string())];
        assert_eq!(
            decode_tokens(&encode_tokens(&tokens), 3),
            Some(tokens.clone())
        );
        assert_eq!(decode_tokens(&encode_tokens(&tokens), 2), None);
        assert_eq!(decode_tokens("f/123", 3), None);
    }

    #[test]
    fn query_states_unknown_to_this_build_are_unknown() {
        assert_eq!(
            insights_state(Some(&QueryStatus::from("Paused"))),
            Some(InsightsState::Unknown)
        );
        assert_eq!(
            insights_state(Some(&QueryStatus::Complete)),
            Some(InsightsState::Complete)
        );
        assert_eq!(insights_state(None), None);
    }
}
