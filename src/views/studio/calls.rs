//! The studio view's call: one account's SageMaker Studio, read whole (an unreadable
//! account's answer says why).

use crate::source::FleetSource;
use crate::source::model::AccountId;
use crate::source::studio::AccountStudio;

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::update::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum StudioCall {
    Account(AccountId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StudioLoaded {
    Account(Box<AccountStudio>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StudioKey {
    Account(AccountId),
}

impl crate::views::Call for StudioCall {}

impl StudioCall {
    pub fn key(&self) -> StudioKey {
        match self {
            Self::Account(account) => StudioKey::Account(account.clone()),
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> StudioLoaded {
        match self {
            Self::Account(account_id) => StudioLoaded::Account(Box::new(match source.studio() {
                Some(studio) => studio.account_studio(&account_id).await,
                None => AccountStudio::unreadable(&account_id, "this source does not read Studio"),
            })),
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> StudioLoaded {
        match self {
            Self::Account(account_id) => {
                StudioLoaded::Account(Box::new(AccountStudio::unreadable(&account_id, detail)))
            }
        }
    }
}
