//! Build script: rebuild when a migration is added or changed, because the migrations are
//! embedded in the binary and cargo does not otherwise watch that folder.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
