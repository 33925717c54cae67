//! `<data-dir>/settings.json`: what the app remembers between runs that is not in a staff
//! member's encrypted store. Only the council server address chosen at the last sign-in; never
//! anything about a person (no user names: the store folders are hashes for the same reason).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = "settings.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The server address the next sign-in uses, as `desk_client::transport::parse_server_url`
    /// wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
}

impl Settings {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(FILE_NAME)
    }

    /// The settings in `data_dir`, or the defaults when there are none. A damaged file (not
    /// JSON, or a server address that no longer parses) is logged and ignored rather than
    /// stopping the app: the member of staff types the address again at sign-in, which writes
    /// a good file.
    pub fn load(data_dir: &Path) -> Settings {
        let path = Self::path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Settings::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), "cannot read the settings ({e}); using the defaults");
                return Settings::default();
            }
        };
        let settings: Settings = match serde_json::from_str(&text) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(path = %path.display(), "the settings file is damaged ({e}); using the defaults");
                return Settings::default();
            }
        };
        match &settings.server_url {
            Some(url) if desk_client::transport::parse_server_url(url).is_err() => {
                tracing::warn!(path = %path.display(), "the remembered server address is not valid; ignoring it");
                Settings::default()
            }
            _ => settings,
        }
    }

    /// Writes the settings whole (a temporary file renamed over the old one), so a crash
    /// leaves the old file or the new one, never half of one.
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(data_dir)?;
        let path = Self::path(data_dir);
        let tmp = data_dir.join(format!("{FILE_NAME}.tmp"));
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_server_address() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default(), "no file: defaults");
        let s = Settings {
            server_url: Some("https://desk.council.example/".to_owned()),
        };
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()), s);
        assert!(
            !dir.path().join("settings.json.tmp").exists(),
            "the temporary file was renamed"
        );
        let text = std::fs::read_to_string(Settings::path(dir.path())).unwrap();
        assert!(text.contains("https://desk.council.example/"), "{text}");
    }

    #[test]
    fn damaged_content_gives_the_defaults_and_no_crash() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            "not json at all",
            "",
            "{\"server_url\": 42}",
            "[1, 2, 3]",
            "{\"server_url\": \"ftp://desk.example\"}",
            "{\"server_url\": \"\"}",
            "\u{0}\u{1}\u{2}",
        ] {
            std::fs::write(Settings::path(dir.path()), bad).unwrap();
            assert_eq!(Settings::load(dir.path()), Settings::default(), "content {bad:?}");
        }
        // Not UTF-8 at all.
        std::fs::write(Settings::path(dir.path()), [0xff, 0xfe, 0x00, 0x80]).unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        // A later save replaces the damaged file with a good one.
        let good = Settings {
            server_url: Some("http://127.0.0.1:8640/".to_owned()),
        };
        good.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()), good);
    }

    #[test]
    fn unknown_fields_from_a_newer_version_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            Settings::path(dir.path()),
            r#"{"server_url": "https://desk.example/", "theme": "dark"}"#,
        )
        .unwrap();
        assert_eq!(
            Settings::load(dir.path()).server_url.as_deref(),
            Some("https://desk.example/")
        );
    }
}
