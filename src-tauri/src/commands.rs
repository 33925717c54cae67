//! The IPC commands: each a one-line adapter over [`desk_client::Desk`]. Arguments arrive in
//! camelCase from the window (Tauri's default) and errors leave as `ErrorBody {code, message}`.

use chrono::NaiveDate;
use desk_client::{
    AttentionItem, BookingView, CustomerView, DeskError, SessionDetail, SessionView, SyncReport, SyncStatus,
};
use desk_domain::{Centre, Channel, ErrorBody, StaffProfile};
use tauri::State;
use uuid::Uuid;

use crate::{AppInfo, Shell};

type Ipc<T> = Result<T, ErrorBody>;

trait IntoIpc<T> {
    fn ipc(self) -> Ipc<T>;
}

impl<T> IntoIpc<T> for Result<T, DeskError> {
    fn ipc(self) -> Ipc<T> {
        self.map_err(|e| e.to_body())
    }
}

/// Every command, for the invoke handler and the list of generated command names.
macro_rules! commands {
    ($($name:ident),* $(,)?) => {
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
        /// The command names the window may invoke, in the order of the IPC contract.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

commands![
    app_info,
    set_server_url,
    sign_in,
    sign_out,
    lock,
    unlock,
    switch_user,
    touch,
    sync_status,
    sync_now,
    centres,
    timetable,
    session,
    search_customers,
    book_place,
    join_waiting_list,
    cancel_place,
    needs_attention,
    take_alternative,
    dismiss_attention,
];

#[tauri::command]
async fn app_info(shell: State<'_, Shell>) -> Ipc<AppInfo> {
    shell.app_info().await
}

#[tauri::command]
async fn set_server_url(shell: State<'_, Shell>, url: String) -> Ipc<()> {
    shell.set_server_url(&url).await
}

#[tauri::command]
async fn sign_in(shell: State<'_, Shell>, username: String, password: String) -> Ipc<StaffProfile> {
    shell.sign_in(&username, &password).await
}

#[tauri::command]
async fn sign_out(shell: State<'_, Shell>) -> Ipc<()> {
    shell.sign_out().await
}

#[tauri::command]
async fn lock(shell: State<'_, Shell>) -> Ipc<()> {
    shell.lock().await
}

#[tauri::command]
async fn unlock(shell: State<'_, Shell>, password: String) -> Ipc<StaffProfile> {
    shell.unlock(&password).await
}

#[tauri::command]
async fn switch_user(shell: State<'_, Shell>, username: String, password: String) -> Ipc<StaffProfile> {
    shell.switch_user(&username, &password).await
}

/// Only the window's own user activity calls this; background calls never count as use.
#[tauri::command]
fn touch(shell: State<'_, Shell>) {
    shell.touch()
}

#[tauri::command]
async fn sync_status(shell: State<'_, Shell>) -> Ipc<SyncStatus> {
    shell.desk().await?.sync_status().await.ipc()
}

#[tauri::command]
async fn sync_now(shell: State<'_, Shell>) -> Ipc<SyncReport> {
    shell.desk().await?.sync_now().await.ipc()
}

#[tauri::command]
async fn centres(shell: State<'_, Shell>) -> Ipc<Vec<Centre>> {
    shell.desk().await?.leisure().centres().await.ipc()
}

#[tauri::command]
async fn timetable(shell: State<'_, Shell>, centre_id: i64, day: NaiveDate) -> Ipc<Vec<SessionView>> {
    shell.desk().await?.leisure().timetable(centre_id, day).await.ipc()
}

#[tauri::command]
async fn session(shell: State<'_, Shell>, id: i64) -> Ipc<SessionDetail> {
    shell.desk().await?.leisure().session(id).await.ipc()
}

#[tauri::command]
async fn search_customers(shell: State<'_, Shell>, text: String, limit: u32) -> Ipc<Vec<CustomerView>> {
    shell.desk().await?.leisure().search_customers(&text, limit).await.ipc()
}

#[tauri::command]
async fn book_place(shell: State<'_, Shell>, session_id: i64, customer_id: i64, channel: Channel) -> Ipc<BookingView> {
    shell
        .desk()
        .await?
        .leisure()
        .book_place(session_id, customer_id, channel)
        .await
        .ipc()
}

#[tauri::command]
async fn join_waiting_list(
    shell: State<'_, Shell>,
    session_id: i64,
    customer_id: i64,
    channel: Channel,
) -> Ipc<BookingView> {
    shell
        .desk()
        .await?
        .leisure()
        .join_waiting_list(session_id, customer_id, channel)
        .await
        .ipc()
}

#[tauri::command]
async fn cancel_place(shell: State<'_, Shell>, booking_id: Uuid, channel: Channel) -> Ipc<()> {
    shell
        .desk()
        .await?
        .leisure()
        .cancel_place(booking_id, channel)
        .await
        .ipc()
}

#[tauri::command]
async fn needs_attention(shell: State<'_, Shell>) -> Ipc<Vec<AttentionItem>> {
    shell.desk().await?.needs_attention().await.ipc()
}

#[tauri::command]
async fn take_alternative(shell: State<'_, Shell>, item_id: Uuid, alternative: usize) -> Ipc<BookingView> {
    shell.desk().await?.take_alternative(item_id, alternative).await.ipc()
}

#[tauri::command]
async fn dismiss_attention(shell: State<'_, Shell>, item_id: Uuid, note: String) -> Ipc<()> {
    shell.desk().await?.dismiss_attention(item_id, &note).await.ipc()
}
