//! Errors of the storage layer. HTTP turns these into `{code, message}` in `api`.

pub use desk_store::StoreError;

/// Why a push was refused as a whole (nothing applied).
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("seq {got} is not the next one for this device: expected {expected}")]
    SeqGap { expected: u64, got: u64 },
    #[error("seq {seq} was already used by mutation {stored}, not {got}")]
    SeqConflict {
        seq: u64,
        stored: uuid::Uuid,
        got: uuid::Uuid,
    },
    #[error(
        "seq {seq} already holds mutation {mutation_id} with another envelope (name, args or channel); \
         a mutation id is applied once"
    )]
    MutationIdReused { seq: u64, mutation_id: uuid::Uuid },
    #[error("{0}")]
    DeviceMismatch(String),
    #[error("{0}")]
    BadBatch(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
