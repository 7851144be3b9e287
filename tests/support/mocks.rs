//! What the aws-smithy-mocks tests of an `AwsSource` share: the console's identity in the
//! monitoring account, an account it reads through a role, and an account's clients whose
//! CloudWatch answers the given rules.

use aws_smithy_mocks::{Rule, RuleMode, mock_client};
use sagewatch::config::AccountConfig;
use sagewatch::source::aws::AccountClients;
use sagewatch::source::aws::readonly::ReadOnlyGuard;
use sagewatch::source::model::Identity;

/// An account's clients: CloudWatch answers `rules` (behind the read-only guard when
/// `readonly`, as the console builds it), the other services nothing.
pub fn cloudwatch_clients(rules: &[&Rule], readonly: bool) -> AccountClients {
    let cloudwatch = if readonly {
        mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, rules, |c| c
            .interceptor(ReadOnlyGuard))
    } else {
        mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, rules)
    };
    AccountClients {
        cloudwatch,
        sagemaker: mock_client!(aws_sdk_sagemaker, []),
        s3: mock_client!(aws_sdk_s3, []),
        scaling: mock_client!(aws_sdk_applicationautoscaling, []),
    }
}

/// The on-call engineer's identity in the monitoring account `account_id`.
pub fn identity(account_id: &str) -> Identity {
    Identity {
        account_id: account_id.into(),
        arn: format!("arn:aws:iam::{account_id}:role/OnCall"),
        region: "eu-west-1".into(),
    }
}

/// Account `id` in the config, read through its `Reader` role.
pub fn role_account(id: &str) -> AccountConfig {
    AccountConfig {
        id: id.into(),
        label: None,
        role_arn: Some(format!("arn:aws:iam::{id}:role/Reader")),
        profile: None,
        exclude: false,
    }
}
