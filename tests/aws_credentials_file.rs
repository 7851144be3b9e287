//! Keys renewed in `~/.aws/credentials` under a running console (saml2aws, gimme-aws-creds and
//! the like write them there) are used after AWS refused the old ones, without a restart: the
//! source `connect` builds reads the profile files again. The SDK alone parses them once. A
//! local HTTP server plays STS and CloudWatch and answers by the key a request is signed with.

use sagewatch::config::{Config, Topology};
use sagewatch::source::aws::{ConnectOptions, connect};
use sagewatch::source::{FleetSource, SourceError};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ACCOUNT: &str = "100000000000";
const OLD_KEY: &str = "ASIAOLDOLDOLDOLDOLD1";
const NEW_KEY: &str = "ASIANEWNEWNEWNEWNEW2";

fn write_keys(path: &Path, key: &str) {
    std::fs::write(
        path,
        format!(
            "[oncall]\naws_access_key_id = {key}\naws_secret_access_key = secret\n\
             aws_session_token = token\n"
        ),
    )
    .unwrap();
}

/// What the fake AWS answers: STS's GetCallerIdentity to any key; CloudWatch's DescribeAlarms
/// with ExpiredToken to the old key, with no alarms to any other.
fn answer(path: &str, auth: &str) -> (u16, Vec<(&'static str, String)>, Vec<u8>) {
    if !path.contains("DescribeAlarms") {
        let body = format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:sts::{ACCOUNT}:assumed-role/OnCall/me</Arn>\
             <UserId>AROA:me</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>"
        );
        return (200, vec![("content-type", "text/xml".into())], body.into());
    }
    let cbor = vec![
        ("smithy-protocol", "rpc-v2-cbor".to_owned()),
        ("content-type", "application/cbor".to_owned()),
    ];
    if auth.contains(OLD_KEY) {
        let mut headers = cbor;
        headers.push(("x-amzn-query-error", "ExpiredToken;Sender".into()));
        // An empty CBOR map: the code is in the header.
        (400, headers, vec![0xA0])
    } else {
        (200, cbor, vec![0xA0])
    }
}

/// One connection: requests one after the other (keep-alive); each one's Authorization seen.
async fn serve(mut stream: TcpStream, seen: Arc<Mutex<Vec<(String, String)>>>) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                })
                .unwrap_or_default()
        };
        let length: usize = header("content-length").parse().unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        let path = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let auth = header("authorization");
        seen.lock().unwrap().push((path.clone(), auth.clone()));
        let (status, headers, body) = answer(&path, &auth);
        let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend(body);
        if stream.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

#[tokio::test]
async fn keys_renewed_in_the_credentials_file_are_used_after_a_refusal() {
    let dir = std::env::temp_dir().join(format!("sagewatch-creds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let credentials = dir.join("credentials");
    let config = dir.join("config");
    write_keys(&credentials, OLD_KEY);
    std::fs::write(&config, "[profile oncall]\nregion = eu-west-1\n").unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server_seen = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, server_seen.clone()));
        }
    });

    // SAFETY: the only test of this binary, on a current-thread runtime: no other thread
    // reads the environment meanwhile.
    unsafe {
        for k in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ] {
            std::env::remove_var(k);
        }
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &credentials);
        std::env::set_var("AWS_CONFIG_FILE", &config);
        std::env::set_var("AWS_ENDPOINT_URL", &endpoint);
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    }
    let source = connect(ConnectOptions {
        profile: Some("oncall".into()),
        regions: vec!["eu-west-1".into()],
        config: Config {
            topology: Some(Topology::Fanout),
            ..Config::default()
        },
        readonly: true,
        trail: None,
    })
    .await
    .expect("connected");

    let err = source.alarms_in(ACCOUNT).await.unwrap_err();
    assert!(
        matches!(&err, SourceError::Credentials { fix, .. }
            if fix.contains("`aws sso login --profile oncall`")),
        "{err}"
    );

    // The keys are renewed on disk; the next call (`r`) is signed with them.
    write_keys(&credentials, NEW_KEY);
    let alarms = source.alarms_in(ACCOUNT).await;
    let seen = seen.lock().unwrap().clone();
    let last = seen.last().cloned().unwrap_or_default();
    assert!(last.0.contains("DescribeAlarms"), "{seen:?}");
    assert!(
        last.1.contains(&format!("Credential={NEW_KEY}/")),
        "{seen:?}"
    );
    assert_eq!(alarms.unwrap(), Vec::new());
    let _ = std::fs::remove_dir_all(&dir);
}
