//! An empty Tauri window: the same Tauri runtime and WebKit as the app, showing a blank page and
//! doing nothing else. The idle-memory benchmark (`tests/e2e-app/run bench`) measures the app
//! against this in the same run.

fn main() {
    let mut context = tauri::generate_context!();
    // Not the app's window (and so not its interface): one blank webview only.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            // A real (empty) document, so WebKit starts its web process as it does for the app;
            // `about:blank` is rendered without one and would understate the baseline.
            let blank = tauri::WebviewUrl::External(
                "data:text/html,%3C!doctype%20html%3E%3Ctitle%3EEmpty%3C/title%3E%3Cbody%3E%3C/body%3E"
                    .parse()
                    .expect("a valid URL"),
            );
            tauri::WebviewWindowBuilder::new(app, "empty", blank)
                .title("Empty Tauri window")
                .inner_size(1200.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("the empty window runs");
}
