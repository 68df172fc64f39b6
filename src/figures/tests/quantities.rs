//! Counts, process nodes, memory, bandwidth and compute.

use super::*;
use FigureKind::{Bandwidth, Compute, Count, Memory, Node};

#[test]
fn wafers_per_month() {
    let f = only("SMIC plans 45,000 wafers per month of 7nm capacity.", Count);
    assert_value(&f, 45_000.0, "wafers/month", "45,000 wafers per month");
}

#[test]
fn wafers_per_month_abbreviations() {
    assert_value(
        &only("about 45k wpm", Count),
        45_000.0,
        "wafers/month",
        "45k wpm",
    );
    assert_value(
        &only("30,000 WPM", Count),
        30_000.0,
        "wafers/month",
        "30,000 WPM",
    );
    assert_value(
        &only("20,000 wafers a month", Count),
        20_000.0,
        "wafers/month",
        "20,000 wafers a month",
    );
    let f = only("adding 50,000 12-inch wafers per month", Count);
    assert_eq!((f.value, f.unit.as_str()), (50_000.0, "wafers/month"));
}

#[test]
fn counts_with_scale_words() {
    assert_value(
        &only("It sold 1 million units.", Count),
        1e6,
        "units",
        "1 million units",
    );
    assert_value(&only("1.5m units", Count), 1.5e6, "units", "1.5m units");
}

#[test]
fn counts_of_chips_and_gpus() {
    assert_value(
        &only("orders for 200,000 GPUs", Count),
        200_000.0,
        "GPUs",
        "200,000 GPUs",
    );
    assert_value(
        &only("a cluster of 384 chips", Count),
        384.0,
        "chips",
        "384 chips",
    );
}

#[test]
fn counts_with_product_names_between() {
    let f = only("CloudMatrix links 384 Ascend 910C chips.", Count);
    assert_value(&f, 384.0, "chips", "384 Ascend 910C chips");
    assert_eq!(f.subject.as_deref(), Some("Huawei"));
    let f = only("ByteDance ordered 100,000 Nvidia H20 GPUs.", Count);
    assert_eq!((f.value, f.unit.as_str()), (100_000.0, "GPUs"));
}

#[test]
fn stack_heights_are_layers() {
    let f = only("SK hynix ships 12-high HBM3E stacks.", Count);
    assert_value(&f, 12.0, "layers", "12-high");
    assert_value(&only("an 8-Hi stack", Count), 8.0, "layers", "8-Hi");
    assert_value(&only("16-layer HBM4", Count), 16.0, "layers", "16-layer");
}

#[test]
fn nanometre_nodes() {
    assert_value(&only("a 7nm chip", Node), 7.0, "nm", "7nm");
    assert_value(&only("a 7 nm chip", Node), 7.0, "nm", "7 nm");
    assert_value(
        &only("its 5-nanometre process", Node),
        5.0,
        "nm",
        "5-nanometre",
    );
    assert_value(
        &only("the 3-nanometer node", Node),
        3.0,
        "nm",
        "3-nanometer",
    );
}

#[test]
fn foundry_node_names() {
    assert_value(&only("TSMC's N3 is full.", Node), 3.0, "nm", "N3");
    assert_value(&only("N2 ramps next", Node), 2.0, "nm", "N2");
    assert_value(&only("Apple uses N3E.", Node), 3.0, "nm", "N3E");
}

#[test]
fn smic_node_names() {
    let f = only("The Kirin 9000S uses SMIC's N+2 process.", Node);
    assert_value(&f, 7.0, "nm", "N+2");
    assert_eq!(f.subject.as_deref(), Some("SMIC"));
    assert_value(&figures("N+3 is 5nm-class")[0], 5.0, "nm", "N+3");
}

#[test]
fn smic_node_is_not_a_count() {
    let found = spans("SMIC makes N+2 chips.");
    assert_eq!(found, vec![(Node, "N+2".to_string())]);
}

#[test]
fn memory_sizes() {
    assert_value(
        &only("MI300X carries 192 GB.", Memory),
        192.0,
        "GB",
        "192 GB",
    );
    assert_value(&only("a 36GB stack", Memory), 36.0, "GB", "36GB");
    let f = only("H200 has 141 GB of HBM3E.", Memory);
    assert_value(&f, 141.0, "GB", "141 GB");
    assert_eq!(f.subject.as_deref(), Some("NVIDIA"));
}

#[test]
fn bandwidths() {
    assert_value(
        &only("5.3 TB/s of bandwidth", Bandwidth),
        5.3,
        "TB/s",
        "5.3 TB/s",
    );
    assert_value(
        &only("up to 819 GB/s per stack", Bandwidth),
        819.0,
        "GB/s",
        "819 GB/s",
    );
    assert_value(&only("reaches 1.2TB/s", Bandwidth), 1.2, "TB/s", "1.2TB/s");
}

#[test]
fn compute_throughput() {
    assert_value(
        &only("4,614 TFLOPS of FP8", Compute),
        4614.0,
        "TFLOPS",
        "4,614 TFLOPS",
    );
    assert_value(
        &only("FP8 4.6 PFLOPS", Compute),
        4.6,
        "PFLOPS",
        "4.6 PFLOPS",
    );
    assert_value(
        &only("Ironwood pods deliver 42.5 exaflops.", Compute),
        42.5,
        "EFLOPS",
        "42.5 exaflops",
    );
}

#[test]
fn bandwidth_spelled_per_second() {
    let f = only("HBM3 can move up to 819 GB per second of data.", Bandwidth);
    assert_value(&f, 819.0, "GB/s", "819 GB per second");
    assert_value(&only("10 Gbps per pin", Bandwidth), 10.0, "Gb/s", "10 Gbps");
}

#[test]
fn counts_across_model_numbers() {
    let f = only("It puts 24 Zen 4 CPU cores in one package.", Count);
    assert_value(&f, 24.0, "cores", "24 Zen 4 CPU cores");
}

#[test]
fn singular_nouns_need_a_hyphen() {
    assert!(figures("the Atlas 900 system").is_empty());
    assert!(spans("in the 2025 accelerator market")
        .iter()
        .all(|(k, _)| *k != Count));
    assert_value(&only("a 72-GPU rack", Count), 72.0, "GPUs", "72-GPU");
    assert_value(&only("just 1 chip", Count), 1.0, "chips", "1 chip");
}

#[test]
fn numbers_inside_product_names_are_not_counts() {
    assert!(
        figures("The CloudMatrix 384 system links Ascend 910 chips; Gaudi 3 chips cost less.")
            .is_empty()
    );
}

#[test]
fn counts_with_noun_modifiers() {
    let f = only("about 4 million AI accelerator cards were shipped", Count);
    assert_value(&f, 4e6, "cards", "4 million AI accelerator cards");
}

#[test]
fn coordinated_numbers_share_the_count_unit() {
    let figures = extract(
        "The Atlas 950 and Atlas 960 link 8,192 and 15,488 Ascend chips respectively.",
        &Gazetteer::empty(),
    );
    let counts: Vec<(&str, f64, &str)> = figures
        .iter()
        .filter(|f| f.kind == FigureKind::Count)
        .map(|f| (f.text.as_str(), f.value, f.unit.as_str()))
        .collect();
    assert_eq!(counts[0], ("8,192", 8192.0, "chips"));
    assert_eq!(counts[1].1, 15488.0);
}

#[test]
fn entity_list_additions_are_counts() {
    let figures = extract("The rule added 140 entities to the Entity List.", &Gazetteer::empty());
    assert_eq!(figures.len(), 1);
    assert_eq!((figures[0].value, figures[0].unit.as_str()), (140.0, "entities"));
}

#[test]
fn power_is_normalised_to_watts() {
    use FigureKind::Power;
    let f = only("The CloudMatrix 384 is estimated to need about 559 kW of power.", Power);
    assert_value(&f, 559_000.0, "W", "559 kW");
    assert_value(&only("the 145 kW drawn by a GB200 NVL72", Power), 145_000.0, "W", "145 kW");
    assert_value(&only("a rack can draw about 145kW", Power), 145_000.0, "W", "145kW");
    assert_value(&only("a campus of 1.2 gigawatts", Power), 1.2e9, "W", "1.2 gigawatts");
    assert_value(&only("rated at a 600W TDP", Power), 600.0, "W", "600W");
    assert_value(&only("a 5 MW site", Power), 5e6, "W", "5 MW");
    let f = only("sites of 100-150 MW each", Power);
    assert_value(&f, 100e6, "W", "100-150 MW");
    assert_eq!((f.low, f.high), (Some(100e6), Some(150e6)));
    // Energy is not power.
    assert!(figures("It used 300 kWh and 2 MWh.").iter().all(|f| f.kind != Power));
    // A power figure is no count of racks.
    assert_eq!(spans("100 kW racks"), vec![(Power, "100 kW".to_string())]);
}

#[test]
fn more_count_nouns() {
    assert_value(&only("It combines 13 chiplets.", Count), 13.0, "chiplets", "13 chiplets");
    assert_value(&only("It links 72 superchips.", Count), 72.0, "superchips", "72 superchips");
    assert_value(&only("a cluster of 16 compute nodes", Count), 16.0, "nodes", "16 compute nodes");
    assert_value(&only("Sixteen boards form 4 racks.", Count), 4.0, "racks", "4 racks");
    assert_value(&only("It has 24 ports.", Count), 24.0, "ports", "24 ports");
    assert_value(&only("It builds 3 new fabs.", Count), 3.0, "fabs", "3 new fabs");
    assert_value(&only("Three data centres became 12 data centers.", Count), 12.0, "data centres", "12 data centers");
    let f = only("CloudMatrix 384 combines 384 of these accelerators.", Count);
    assert_value(&f, 384.0, "accelerators", "384 of these accelerators");
    // Singular nouns still need a hyphen or the number one.
    assert!(figures("the 2025 switch").iter().all(|f| f.kind != Count));
}

#[test]
fn ethernet_speeds_are_bandwidth() {
    let f = only("It integrates 24 ports of 200 Gb Ethernet.", Bandwidth);
    assert_value(&f, 200.0, "Gb/s", "200 Gb Ethernet");
    assert_value(&only("two 400GbE links", Bandwidth), 400.0, "Gb/s", "400GbE");
    assert!(figures("a 200 Gb Ethernet port").iter().all(|f| f.kind != Memory));
}

#[test]
fn counts_of_them_take_the_noun_they_refer_to() {
    // The IDC report: the pronoun refers to the previous sentence's cards.
    let found = figures("About 4 million AI accelerator cards were shipped in China in 2025. Chinese manufacturers together delivered about 1.65 million of them, giving domestic vendors a 41% share of the market.");
    let counts: Vec<(&str, f64, &str)> =
        found.iter().filter(|f| f.kind == Count).map(|f| (f.text.as_str(), f.value, f.unit.as_str())).collect();
    assert_eq!(
        counts,
        vec![("4 million AI accelerator cards", 4e6, "cards"), ("1.65 million of them", 1.65e6, "cards")]
    );
    // In the same sentence, the nearest count before names the noun.
    let f = figures("It shipped 2,000 servers, and 1,500 of them went abroad.");
    assert_eq!((f[1].text.as_str(), f[1].unit.as_str()), ("1,500 of them", "servers"));
    // With nothing to refer to, the unit is "units".
    assert_value(&only("Buyers took 300 of them.", Count), 300.0, "units", "300 of them");
    // A percentage of them is a percentage; a year is no count.
    assert!(figures("About 4 million cards shipped. Roughly 80% of them went to clouds.").iter().all(|f| f.text != "80% of them"));
    assert!(spans("In 2025 of them all, few shipped.").iter().all(|(k, _)| *k != Count));
    // An amount "of which" is money, not a count.
    let found = figures("Revenue was $5bn, $2bn of which came from China.");
    assert!(found.iter().all(|f| f.kind == FigureKind::Money), "{found:#?}");
    // A demonstrative with a noun that is no count noun is no count.
    assert!(spans("It hired 30 of these consultants.").is_empty());
}
