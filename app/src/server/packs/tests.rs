//! Content packs: the file format round trip, unpacking, limits, and where problems are placed.
use super::*;
use crate::server::content::load;

fn builtins() -> Vec<ScenarioFile> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    load(&dir).expect("content loads").scenarios
}

#[test]
fn every_built_in_survives_being_written_and_read_back() {
    for f in builtins() {
        let text = write_file(&f);
        let back = parse_scenario(&f.path, &text).unwrap_or_else(|e| panic!("{}: {e:?}", f.path));
        assert!(same_content(&f, &back), "{} changed on the way", f.path);
        assert_eq!(write_file(&back), text, "{} is not stable", f.path);
    }
}

#[test]
fn a_zipped_pack_unpacks_to_the_same_scenarios() {
    let files = builtins();
    let bytes = zip_pack("# A pack\n", &files[..3]).unwrap();
    let unpacked = unpack(vec![Upload {
        name: "pack.zip".into(),
        bytes,
    }]);
    assert!(unpacked.problems.is_empty(), "{:?}", unpacked.problems);
    assert_eq!(unpacked.ignored, vec!["README.md".to_string()]);
    let (parsed, problems) = parse_all(&unpacked.scenarios);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(parsed.len(), 3);
    for (a, b) in parsed.iter().zip(&files[..3]) {
        assert!(same_content(a, b));
    }
}

#[test]
fn only_markdown_in_a_scenarios_folder_is_a_scenario() {
    assert!(is_scenario_path("scenarios/a.md"));
    assert!(is_scenario_path("my-pack/scenarios/a.md"));
    assert!(!is_scenario_path("frameworks/a.md"));
    assert!(!is_scenario_path("a.md"));
    assert!(!is_scenario_path("scenarios/notes.txt"));
    assert!(is_litter("__MACOSX/scenarios/._a.md"));
}

#[test]
fn every_problem_of_every_file_is_reported_with_its_field() {
    let files = builtins();
    let good = write_file(&files[0]);
    let bad_title = good.replacen(
        &format!("title = \"{}\"", files[0].title.replace('"', "\\\"")),
        "title = \"x\"",
        1,
    );
    assert_ne!(bad_title, good, "the title line is where it was expected");
    let no_metrics = write_file(&files[1]).replace("## Metrics", "## Numbers");
    let (_, problems) = parse_all(&[
        ("scenarios/a.md".into(), bad_title),
        ("scenarios/b.md".into(), no_metrics),
        ("scenarios/c.md".into(), good.clone()),
        ("scenarios/d.md".into(), good),
    ]);
    assert!(
        problems
            .iter()
            .any(|p| p.file == "scenarios/a.md" && p.field == "title"),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.file == "scenarios/b.md" && p.field == "section \"Numbers\""),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.file == "scenarios/b.md" && p.field == "section \"Metrics\""),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.file == "scenarios/d.md"
            && p.field == "slug"
            && p.message.contains("scenarios/c.md")),
        "{problems:?}"
    );
}

#[test]
fn a_key_point_problem_names_the_key_point() {
    let text = "+++\nslug = \"abc\"\n\n[[key_points]]\nid = \"one\"\n\n[[key_points]]\nid = \"Two\"\n+++\n\n## Prompt\n\nhi\n";
    assert_eq!(
        locate(text, Some(8), "key point id: bad"),
        "key_points[2].id"
    );
    assert_eq!(locate(text, Some(2), "field `slug`: bad"), "slug");
    assert_eq!(
        locate(text, Some(13), "section is empty"),
        "section \"Prompt\""
    );
    assert_eq!(
        locate(text, None, "missing section \"## Metrics\""),
        "section \"Metrics\""
    );
    assert_eq!(
        locate(text, Some(2), "invalid TOML: missing field `summary`"),
        "summary"
    );
}

#[test]
fn what_is_not_a_pack_is_said_so() {
    let u = unpack(vec![
        Upload {
            name: "notes.txt".into(),
            bytes: b"hello".to_vec(),
        },
        Upload {
            name: "broken.zip".into(),
            bytes: b"PK\x03\x04 not really".to_vec(),
        },
        Upload {
            name: "latin1.md".into(),
            bytes: vec![0xff, 0xfe, 0x41],
        },
    ]);
    let about = |f: &str| {
        u.problems
            .iter()
            .find(|p| p.file == f)
            .map(|p| p.message.clone())
            .unwrap_or_default()
    };
    assert!(
        about("notes.txt").contains("neither a pack"),
        "{:?}",
        u.problems
    );
    assert!(
        about("broken.zip").contains("not a readable zip"),
        "{:?}",
        u.problems
    );
    assert!(about("latin1.md").contains("UTF-8"), "{:?}", u.problems);
    let empty = unpack(vec![]);
    assert!(empty.problems[0].message.contains("no scenario files"));
}

#[test]
fn many_zips_together_cannot_unpack_past_the_upload_limit() {
    // Each zip holds 60 highly compressible files of 200 KB: small to upload, 12 MB each.
    let bomb = || {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..60 {
            zip.start_file(
                format!("scenarios/f{i}.md"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(&vec![b'x'; 200 * 1024]).unwrap();
        }
        zip.finish().unwrap().into_inner()
    };
    let uploads = (0..5)
        .map(|i| Upload {
            name: format!("part{i}.zip"),
            bytes: bomb(),
        })
        .collect();
    let u = unpack(uploads);
    let kept: usize = u.scenarios.iter().map(|(_, t)| t.len()).sum();
    assert!(kept <= MAX_UNPACKED_BYTES + MAX_FILE_BYTES, "{kept}");
    assert!(
        u.problems
            .iter()
            .any(|p| p.file == THE_UPLOAD && p.message.contains("in parts")),
        "{:?}",
        u.problems.iter().map(|p| &p.message).collect::<Vec<_>>()
    );
}

#[test]
fn an_oversized_file_inside_a_zip_is_refused_without_reading_it_all() {
    let big = "x".repeat(MAX_FILE_BYTES * 4);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("scenarios/big.md", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(big.as_bytes()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < MAX_FILE_BYTES, "compressed small");
    let u = unpack(vec![Upload {
        name: "bomb.zip".into(),
        bytes,
    }]);
    assert!(
        u.problems
            .iter()
            .any(|p| p.file == "scenarios/big.md" && p.message.contains("larger than")),
        "{:?}",
        u.problems
    );
}
