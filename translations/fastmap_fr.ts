<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>fastmap::ChargesDialog</name>
    <message>
        <source>Use paid remote workers?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A sample measured the function. Local threads keep working while you decide.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Elements</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about %L1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%L1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time per element</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time, local only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time, with remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote vCPU-hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>up to $%1 per vCPU-hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credits left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unlimited or unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no cap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid workers stop taking batches at this amount. It applies from the next run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spend cap (next runs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run with remote workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run locally only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::ColumnMappingForm</name>
    <message>
        <source>Columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a function and a dataset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not mapped)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::DatasetPanel</name>
    <message>
        <source>Dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A CSV, JSON Lines or text file, or range:N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the dataset: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 columns; reading stopped early: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n column(s); the first rows are shown.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::ErrorTableModel</name>
    <message>
        <source>Element</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Executor</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::FunctionPicker</name>
    <message>
        <source>Function</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search functions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (not loaded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This plugin could not be loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::JobController</name>
    <message>
        <source>A job is already running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No element failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the elements to retry: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::LiveView</name>
    <message>
        <source>Throughput (elements/s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress (elements)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>estimate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Histogram of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results histogram: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%L1 of %L2 elements, about %3 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%L1 elements in %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fastmap live view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::MainWindow</name>
    <message>
        <source>Fastmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset and pick a function.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimate:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote workers would not help: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset %1 opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open dataset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export results…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export &amp;plots…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;try failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a function first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started %1 on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Retrying %n failed element(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%L1 of %L2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%L1 done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%L1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cost $%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid remote workers would cost about $%1; asking.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Using the remote workers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Going on with local threads only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished (%1): %L2 elements in %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>remote cost $%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plots written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Datasets (*.csv *.tsv *.jsonl *.ndjson *.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export plots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG (*.png);;SVG (*.svg)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::ParameterForm</name>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This function has no parameters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a function.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::ResultTableModel</name>
    <message>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::RunSettingsForm</name>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adaptive adds the remote workers only when they make the job faster.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one per core</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none configured (Workers tab)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n configured</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::SettingsDialog</name>
    <message>
        <source>Ask before paid remote workers are used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no cap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one per core</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spend cap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new language applies when the app starts again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::TokenStore</name>
    <message>
        <source>No keychain is available (%1); the token is kept in %2, readable only by you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the keychain did not answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::WorkerTableModel</name>
    <message>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Elements</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fastmap::WorkersPanel</name>
    <message>
        <source>https://host:8750</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set token…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http:// or https:// URL.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Fastmap Desktop: runs a function over every element of a dataset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A dataset to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select this function.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set a parameter (repeatable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the job at once.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
