// Hand-written to match the Rust type exactly until src-tauri generates this file with ts-rs.

export type CustomerView = {
  id: number;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  membership_no: string;
  postcode: string;
};
