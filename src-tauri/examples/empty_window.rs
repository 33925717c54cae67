//! An empty Tauri window: the same Tauri runtime and WebKit as the app, showing a blank page and
//! doing nothing else. The idle-memory benchmark (`tests/e2e-app/run bench`) measures the app
//! against this in the same run.

fn main() {
    let mut context = tauri::generate_context!();
    // Not the app's window (and so not its interface): one blank webview only.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            // `EMPTY_WINDOW_URL` (the benchmark serves an empty document on loopback) so WebKit
            // starts its web process as it does for the app; `about:blank` is rendered without one
            // and would understate the baseline.
            let url = std::env::var("EMPTY_WINDOW_URL").unwrap_or_else(|_| "about:blank".to_owned());
            let blank = tauri::WebviewUrl::External(url.parse().expect("EMPTY_WINDOW_URL is a URL"));
            tauri::WebviewWindowBuilder::new(app, "empty", blank)
                .title("Empty Tauri window")
                .inner_size(1200.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("the empty window runs");
}
