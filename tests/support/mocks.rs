//! What the aws-smithy-mocks tests of an `AwsSource` share: the console's identity in the
//! monitoring account, and an account it reads through a role.

use sagewatch::config::AccountConfig;
use sagewatch::source::model::Identity;

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
