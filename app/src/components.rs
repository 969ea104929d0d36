//! Reusable views.
pub mod badges;
pub mod breadcrumb;
pub mod error_view;
pub mod expand_all;
pub mod form;
pub mod layout;
pub mod loaded;
