//! Admin pages: user accounts (`users`) and organisations (`organisations`).

pub mod organisations;
pub mod users;
