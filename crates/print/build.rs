//! Compresses the embedded fonts with Brotli into `OUT_DIR`. The three DejaVu faces
//! are 1.5 MB as TrueType and 0.66 MB compressed (the mono face is cut down to ASCII:
//! see `src/layout.rs`); the app binary
//! carries them compressed and `Fonts::load` expands them. The TrueType files stay
//! the source of truth in `fonts/`.

use std::{env, fs::File, io::BufWriter, path::PathBuf};

const FONTS: [&str; 3] = ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono-Bold"];

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(env::var_os("OUT_DIR").ok_or_else(|| {
        std::io::Error::other("cargo sets OUT_DIR for build scripts; it is missing")
    })?);
    // Quality 11 takes a few seconds per font in an unoptimised build script and
    // saves little more; 9 is what Tauri uses for the UI's assets.
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    for name in FONTS {
        let source = format!("fonts/{name}.ttf");
        println!("cargo::rerun-if-changed={source}");
        let mut input = File::open(&source)?;
        let mut output = BufWriter::new(File::create(out.join(format!("{name}.ttf.br")))?);
        brotli::BrotliCompress(&mut input, &mut output, &params)?;
    }
    Ok(())
}
