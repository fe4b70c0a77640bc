<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>fastmap::ChargesDialog</name>
    <message>
        <source>Use paid remote workers?</source>
        <translation>Kostenpflichtige Remote-Worker verwenden?</translation>
    </message>
    <message>
        <source>A sample measured the function. Local threads keep working while you decide.</source>
        <translation>Eine Stichprobe hat die Funktion gemessen. Die lokalen Threads arbeiten weiter, während Sie entscheiden.</translation>
    </message>
    <message>
        <source>Elements</source>
        <translation>Elemente</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>about %L1</source>
        <translation>etwa %L1</translation>
    </message>
    <message>
        <source>%L1</source>
        <translation>%L1</translation>
    </message>
    <message>
        <source>Time per element</source>
        <translation>Zeit pro Element</translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation>%1 µs</translation>
    </message>
    <message>
        <source>Time, local only</source>
        <translation>Zeit, nur lokal</translation>
    </message>
    <message>
        <source>Time, with remote</source>
        <translation>Zeit, mit Remote-Workern</translation>
    </message>
    <message>
        <source>Remote vCPU-hours</source>
        <translation>Remote-vCPU-Stunden</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>up to $%1 per vCPU-hour</source>
        <translation>bis zu $%1 pro vCPU-Stunde</translation>
    </message>
    <message>
        <source>Estimated cost</source>
        <translation>Geschätzte Kosten</translation>
    </message>
    <message>
        <source>Credits left</source>
        <translation>Verbleibendes Guthaben</translation>
    </message>
    <message>
        <source>unlimited or unknown</source>
        <translation>unbegrenzt oder unbekannt</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <source>Paid workers stop taking batches at this amount. It applies from the next run.</source>
        <translation>Bei diesem Betrag nehmen kostenpflichtige Worker keine Batches mehr an. Gilt ab dem nächsten Lauf.</translation>
    </message>
    <message>
        <source>Spend cap (next runs)</source>
        <translation>Ausgabengrenze (nächste Läufe)</translation>
    </message>
    <message>
        <source>Run with remote workers</source>
        <translation>Mit Remote-Workern ausführen</translation>
    </message>
    <message>
        <source>Run locally only</source>
        <translation>Nur lokal ausführen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
</context>
<context>
    <name>fastmap::ColumnMappingForm</name>
    <message>
        <source>Columns</source>
        <translation>Spalten</translation>
    </message>
    <message>
        <source>Pick a function and a dataset.</source>
        <translation>Wählen Sie eine Funktion und einen Datensatz.</translation>
    </message>
    <message>
        <source>(not mapped)</source>
        <translation>(nicht zugeordnet)</translation>
    </message>
</context>
<context>
    <name>fastmap::DatasetPanel</name>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>A CSV, JSON Lines or text file, or range:N</source>
        <translation>Eine CSV-, JSON-Lines- oder Textdatei, oder range:N</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Öffnen…</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>Zuletzt</translation>
    </message>
    <message>
        <source>Cannot open the dataset: %1</source>
        <translation>Der Datensatz kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>%1 columns; reading stopped early: %2</source>
        <translation>%1 Spalten; das Lesen brach vorzeitig ab: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n column(s); the first rows are shown.</source>
        <translation>
            <numerusform>%n Spalte; die ersten Zeilen werden gezeigt.</numerusform>
            <numerusform>%n Spalten; die ersten Zeilen werden gezeigt.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::ErrorTableModel</name>
    <message>
        <source>Element</source>
        <translation>Element</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Executor</source>
        <translation>Ausführer</translation>
    </message>
</context>
<context>
    <name>fastmap::FunctionPicker</name>
    <message>
        <source>Function</source>
        <translation>Funktion</translation>
    </message>
    <message>
        <source>Search functions</source>
        <translation>Funktionen suchen</translation>
    </message>
    <message>
        <source>%1 (not loaded)</source>
        <translation>%1 (nicht geladen)</translation>
    </message>
    <message>
        <source>This plugin could not be loaded: %1</source>
        <translation>Dieses Plugin konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>Ausgaben</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>fastmap::JobController</name>
    <message>
        <source>A job is already running.</source>
        <translation>Es läuft bereits ein Auftrag.</translation>
    </message>
    <message>
        <source>No element failed.</source>
        <translation>Kein Element ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Cannot write the elements to retry: %1</source>
        <translation>Die erneut auszuführenden Elemente können nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <source>Resuming job %1: %L2 elements are stored; computing the rest.</source>
        <translation>Auftrag %1 wird fortgesetzt: %L2 Elemente sind gespeichert; der Rest wird berechnet.</translation>
    </message>
    <message>
        <source>Job %1: %2.</source>
        <translation>Auftrag %1: %2.</translation>
    </message>
</context>
<context>
    <name>fastmap::JobHistoryModel</name>
    <message>
        <source>There is no job %1.</source>
        <translation>Es gibt keinen Auftrag %1.</translation>
    </message>
    <message>
        <source>Job %1 is running; stop it first.</source>
        <translation>Auftrag %1 läuft; halten Sie ihn zuerst an.</translation>
    </message>
    <message>
        <source>%1: name the bundle .zip or .tar.zst.</source>
        <translation>%1: Der Name des Pakets muss auf .zip oder .tar.zst enden.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>completed with failures</source>
        <translation>mit Fehlern abgeschlossen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>stopped on error</source>
        <translation>bei Fehler angehalten</translation>
    </message>
    <message>
        <source>input failed</source>
        <translation>Eingabe fehlgeschlagen</translation>
    </message>
    <message>
        <source>output failed</source>
        <translation>Ausgabe fehlgeschlagen</translation>
    </message>
    <message>
        <source>every worker died</source>
        <translation>alle Worker ausgefallen</translation>
    </message>
    <message>
        <source>%L1 / %L2</source>
        <translation>%L1 / %L2</translation>
    </message>
    <message>
        <source>%L1 / ?</source>
        <translation>%L1 / ?</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Function</source>
        <translation>Funktion</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Elements</source>
        <translation>Elemente</translation>
    </message>
    <message>
        <source>Job %1 is still being exported; wait for it to finish.</source>
        <translation>Job %1 wird noch exportiert; warten Sie, bis der Export fertig ist.</translation>
    </message>
    <message>
        <source>%1 could not be written.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>fastmap::JobsPanel</name>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Show log</source>
        <translation>Protokoll zeigen</translation>
    </message>
    <message>
        <source>Finish a stopped or interrupted job: only what is unfinished is computed.</source>
        <translation>Einen angehaltenen oder unterbrochenen Auftrag beenden: Nur Unfertiges wird berechnet.</translation>
    </message>
    <message>
        <source>Write the results, errors, job log, manifest and plots to a .zip or .tar.zst.</source>
        <translation>Ergebnisse, Fehler, Auftragsprotokoll, Manifest und Diagramme in eine .zip- oder .tar.zst-Datei schreiben.</translation>
    </message>
    <message>
        <source>Remove the job and its stored results; the result file is kept.</source>
        <translation>Den Auftrag und seine gespeicherten Ergebnisse entfernen; die Ergebnisdatei bleibt erhalten.</translation>
    </message>
    <message>
        <source>The job log: one line per batch.</source>
        <translation>Das Auftragsprotokoll: eine Zeile je Stapel.</translation>
    </message>
</context>
<context>
    <name>fastmap::LiveView</name>
    <message>
        <source>Throughput (elements/s)</source>
        <translation>Durchsatz (Elemente/s)</translation>
    </message>
    <message>
        <source>Progress (elements)</source>
        <translation>Fortschritt (Elemente)</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>Kosten (USD)</translation>
    </message>
    <message>
        <source>Results histogram</source>
        <translation>Histogramm der Ergebnisse</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>so far</source>
        <translation>bisher</translation>
    </message>
    <message>
        <source>estimate</source>
        <translation>Schätzung</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Histogram of</source>
        <translation>Histogramm von</translation>
    </message>
    <message>
        <source>Results histogram: %1</source>
        <translation>Histogramm der Ergebnisse: %1</translation>
    </message>
    <message>
        <source>%L1 of %L2 elements, about %3 s left</source>
        <translation>%L1 von %L2 Elementen, noch etwa %3 s</translation>
    </message>
    <message>
        <source>%L1 elements in %2 s</source>
        <translation>%L1 Elemente in %2 s</translation>
    </message>
    <message>
        <source>Fastmap live view</source>
        <translation>Fastmap-Live-Ansicht</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Results histogram: no numeric output</source>
        <translation>Histogramm der Ergebnisse: keine numerische Ausgabe</translation>
    </message>
</context>
<context>
    <name>fastmap::MainWindow</name>
    <message>
        <source>Fastmap</source>
        <translation>Fastmap</translation>
    </message>
    <message>
        <source>Open a dataset and pick a function.</source>
        <translation>Öffnen Sie einen Datensatz und wählen Sie eine Funktion.</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message>
        <source>Estimate:
%1</source>
        <translation>Schätzung:
%1</translation>
    </message>
    <message>
        <source>Remote workers would not help: %1</source>
        <translation>Remote-Worker würden nicht helfen: %1</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Dataset %1 opened.</source>
        <translation>Datensatz %1 geöffnet.</translation>
    </message>
    <message>
        <source>Retry failed</source>
        <translation>Fehlgeschlagene wiederholen</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open dataset…</source>
        <translation>Datensatz ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Export results…</source>
        <translation>Ergebnisse &amp;exportieren…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Export &amp;plots…</source>
        <translation>&amp;Diagramme exportieren…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Job</source>
        <translation>&amp;Auftrag</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>Abbre&amp;chen</translation>
    </message>
    <message>
        <source>Re&amp;try failed</source>
        <translation>Fehlgeschlagene &amp;wiederholen</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Copy rows</source>
        <translation>Zeilen &amp;kopieren</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Open a dataset first.</source>
        <translation>Öffnen Sie zuerst einen Datensatz.</translation>
    </message>
    <message>
        <source>Pick a function first.</source>
        <translation>Wählen Sie zuerst eine Funktion.</translation>
    </message>
    <message>
        <source>Cannot start: %1</source>
        <translation>Start nicht möglich: %1</translation>
    </message>
    <message>
        <source>Started %1 on %2.</source>
        <translation>%1 auf %2 gestartet.</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Läuft…</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message numerus="yes">
        <source>Retrying %n failed element(s).</source>
        <translation>
            <numerusform>%n fehlgeschlagenes Element wird wiederholt.</numerusform>
            <numerusform>%n fehlgeschlagene Elemente werden wiederholt.</numerusform>
        </translation>
    </message>
    <message>
        <source>%L1 of %L2</source>
        <translation>%L1 von %L2</translation>
    </message>
    <message>
        <source>%L1 done</source>
        <translation>%L1 erledigt</translation>
    </message>
    <message>
        <source>%L1/s</source>
        <translation>%L1/s</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <source>cost $%1</source>
        <translation>Kosten $%1</translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>Paid remote workers would cost about $%1; asking.</source>
        <translation>Kostenpflichtige Remote-Worker würden etwa $%1 kosten; Rückfrage.</translation>
    </message>
    <message>
        <source>Using the remote workers.</source>
        <translation>Die Remote-Worker werden verwendet.</translation>
    </message>
    <message>
        <source>Going on with local threads only.</source>
        <translation>Weiter nur mit lokalen Threads.</translation>
    </message>
    <message>
        <source>Finished (%1): %L2 elements in %3 s</source>
        <translation>Beendet (%1): %L2 Elemente in %3 s</translation>
    </message>
    <message>
        <source>remote cost $%1</source>
        <translation>Remote-Kosten $%1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Results written to %1.</source>
        <translation>Ergebnisse nach %1 geschrieben.</translation>
    </message>
    <message>
        <source>Plots written to %1.</source>
        <translation>Diagramme nach %1 geschrieben.</translation>
    </message>
    <message>
        <source>Open dataset</source>
        <translation>Datensatz öffnen</translation>
    </message>
    <message>
        <source>Datasets (*.csv *.tsv *.jsonl *.ndjson *.txt);;All files (*)</source>
        <translation>Datensätze (*.csv *.tsv *.jsonl *.ndjson *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>Ergebnisse exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation>CSV (*.csv);;JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Export plots</source>
        <translation>Diagramme exportieren</translation>
    </message>
    <message>
        <source>PNG (*.png);;SVG (*.svg)</source>
        <translation>PNG (*.png);;SVG (*.svg)</translation>
    </message>
    <message numerus="yes">
        <source>Live view: %n redraw(s), %1 ms in all.</source>
        <translation>
            <numerusform>Live-Ansicht: %n Neuzeichnung, insgesamt %1 ms.</numerusform>
            <numerusform>Live-Ansicht: %n Neuzeichnungen, insgesamt %1 ms.</numerusform>
        </translation>
    </message>
    <message>
        <source>The job history cannot be read: %1</source>
        <translation>Der Auftragsverlauf kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Job %1; results go to %2.</source>
        <translation>Auftrag %1; die Ergebnisse gehen nach %2.</translation>
    </message>
    <message>
        <source>Cannot resume: %1</source>
        <translation>Fortsetzen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Resumed job %1; results go to %2.</source>
        <translation>Auftrag %1 fortgesetzt; die Ergebnisse gehen nach %2.</translation>
    </message>
    <message>
        <source>Job %1: the bundle has no plots, as the live plots are not of this job (it ran in an earlier session or before the last job).</source>
        <translation>Auftrag %1: Das Paket enthält keine Diagramme, da die Live-Diagramme nicht zu diesem Auftrag gehören (er lief in einer früheren Sitzung oder vor dem letzten Auftrag).</translation>
    </message>
    <message>
        <source>Job %1 written to %2.</source>
        <translation>Auftrag %1 nach %2 geschrieben.</translation>
    </message>
    <message>
        <source>Remove job</source>
        <translation>Auftrag entfernen</translation>
    </message>
    <message>
        <source>Remove job %1 and its stored results? It cannot be resumed or exported afterwards. Its result file is kept.</source>
        <translation>Auftrag %1 und seine gespeicherten Ergebnisse entfernen? Er kann danach weder fortgesetzt noch exportiert werden. Seine Ergebnisdatei bleibt erhalten.</translation>
    </message>
    <message>
        <source>Cannot remove: %1</source>
        <translation>Entfernen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Job %1 removed.</source>
        <translation>Auftrag %1 entfernt.</translation>
    </message>
    <message>
        <source>Job log of %1</source>
        <translation>Auftragsprotokoll von %1</translation>
    </message>
    <message>
        <source>Export job</source>
        <translation>Auftrag exportieren</translation>
    </message>
    <message>
        <source>Zip archive (*.zip);;Zstandard tar archive (*.tar.zst)</source>
        <translation>Zip-Archiv (*.zip);;Zstandard-tar-Archiv (*.tar.zst)</translation>
    </message>
    <message>
        <source>Writing job %1 to %2…</source>
        <translation>Job %1 wird nach %2 geschrieben…</translation>
    </message>
    <message>
        <source>Stopping now; finished rows are kept.</source>
        <translation>Sofortiger Halt; fertige Zeilen bleiben erhalten.</translation>
    </message>
    <message>
        <source>Stopping: running batches get %1 s to finish, then the function is stopped; finished rows are kept. Cancel again to stop at once.</source>
        <translation>Anhalten: Laufende Batches erhalten %1 s, um fertig zu werden, dann wird die Funktion gestoppt; fertige Zeilen bleiben erhalten. Erneut abbrechen, um sofort anzuhalten.</translation>
    </message>
    <message numerus="yes">
        <source>%n element(s) crashed the function and failed alone</source>
        <translation>
            <numerusform>%n Element brachte die Funktion zum Absturz und schlug allein fehl</numerusform>
            <numerusform>%n Elemente brachten die Funktion zum Absturz und schlugen allein fehl</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The function took its host process down on %n element(s); each was found and failed on its own (see the Errors tab), and every other element has its result.</source>
        <translation>
            <numerusform>Die Funktion brachte ihren Host-Prozess bei %n Element zum Absturz; es wurde gefunden und schlug allein fehl (siehe Reiter Fehler), und jedes andere Element hat sein Ergebnis.</numerusform>
            <numerusform>Die Funktion brachte ihren Host-Prozess bei %n Elementen zum Absturz; jedes wurde gefunden und schlug allein fehl (siehe Reiter Fehler), und jedes andere Element hat sein Ergebnis.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n thread(s) were still inside the function when the job stopped; they are left to it until the app quits. Process isolation (Settings) stops such a function for good.</source>
        <translation>
            <numerusform>%n Thread war noch in der Funktion, als der Auftrag anhielt; er bleibt ihr bis zum Ende der App überlassen. Prozess-Isolation (Einstellungen) stoppt eine solche Funktion endgültig.</numerusform>
            <numerusform>%n Threads waren noch in der Funktion, als der Auftrag anhielt; sie bleiben ihr bis zum Ende der App überlassen. Prozess-Isolation (Einstellungen) stoppt eine solche Funktion endgültig.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::ParameterForm</name>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>This function has no parameters.</source>
        <translation>Diese Funktion hat keine Parameter.</translation>
    </message>
    <message>
        <source>Pick a function.</source>
        <translation>Wählen Sie eine Funktion.</translation>
    </message>
</context>
<context>
    <name>fastmap::ResultTableModel</name>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>fastmap::RunSettingsForm</name>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Lokal</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Remote</translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation>Adaptiv</translation>
    </message>
    <message>
        <source>Adaptive adds the remote workers only when they make the job faster.</source>
        <translation>Adaptiv nimmt die Remote-Worker nur hinzu, wenn sie den Auftrag beschleunigen.</translation>
    </message>
    <message>
        <source>one per core</source>
        <translation>einer pro Kern</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Strategie</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>none configured (Workers tab)</source>
        <translation>keine eingerichtet (Reiter Worker)</translation>
    </message>
    <message numerus="yes">
        <source>%n configured</source>
        <translation>
            <numerusform>%n eingerichtet</numerusform>
            <numerusform>%n eingerichtet</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::SettingsDialog</name>
    <message>
        <source>Ask before paid remote workers are used</source>
        <translation>Vor der Nutzung kostenpflichtiger Remote-Worker fragen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Lokal</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Remote</translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation>Adaptiv</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <source>one per core</source>
        <translation>einer pro Kern</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <source>Default policy</source>
        <translation>Standardstrategie</translation>
    </message>
    <message>
        <source>Spend cap</source>
        <translation>Ausgabengrenze</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Batch duration</source>
        <translation>Batch-Dauer</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Worker token</source>
        <translation>Worker-Token</translation>
    </message>
    <message>
        <source>A new language applies when the app starts again.</source>
        <translation>Eine neue Sprache gilt nach dem nächsten Start der App.</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Use: take stored results, store new ones</source>
        <translation>Verwenden: gespeicherte Ergebnisse nehmen, neue speichern</translation>
    </message>
    <message>
        <source>Refresh: compute everything, store it</source>
        <translation>Erneuern: alles berechnen und speichern</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>Clear cache</source>
        <translation>Cache leeren</translation>
    </message>
    <message>
        <source>Remove every stored result now. Jobs and their results are not touched.</source>
        <translation>Alle gespeicherten Ergebnisse jetzt entfernen. Jobs und ihre Ergebnisse bleiben unberührt.</translation>
    </message>
    <message>
        <source>Result cache</source>
        <translation>Ergebnis-Cache</translation>
    </message>
    <message>
        <source>The cache cannot be read: %1</source>
        <translation>Der Cache kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 results, %2</source>
        <translation>%1 Ergebnisse, %2</translation>
    </message>
    <message>
        <source>The cache cannot be cleared: %1</source>
        <translation>Der Cache kann nicht geleert werden: %1</translation>
    </message>
    <message>
        <source> GiB</source>
        <translation> GiB</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>Aufräumen</translation>
    </message>
    <message>
        <source>Drop the stored results of every finished job now. Their job log, errors and summary stay, and completed jobs keep their result files.</source>
        <translation>Die gespeicherten Ergebnisse aller beendeten Jobs jetzt verwerfen. Jobprotokoll, Fehler und Zusammenfassung bleiben, und abgeschlossene Jobs behalten ihre Ergebnisdateien.</translation>
    </message>
    <message>
        <source>Job store limit</source>
        <translation>Obergrenze des Jobspeichers</translation>
    </message>
    <message>
        <source>The job store cannot be read: %1</source>
        <translation>Der Jobspeicher kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 jobs, %2 on disk</source>
        <translation>%1 Jobs, %2 auf der Festplatte</translation>
    </message>
    <message>
        <source>The job store cannot be pruned: %1</source>
        <translation>Der Jobspeicher kann nicht aufgeräumt werden: %1</translation>
    </message>
    <message>
        <source>Process: in separate function hosts (safe)</source>
        <translation>Prozess: in getrennten Funktions-Hosts (sicher)</translation>
    </message>
    <message>
        <source>Thread: inside the app (a crash closes it)</source>
        <translation>Thread: in der App (ein Absturz beendet sie)</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <source>An element that runs longer fails with &quot;timed out after N s&quot;; the rest of the job goes on.</source>
        <translation>Ein Element, das länger läuft, schlägt mit „timed out after N s“ fehl; der Rest des Auftrags läuft weiter.</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Per function host, 16 MB or more. An element that needs more fails with &quot;out of memory (limit N MB)&quot;; the rest of the job goes on.</source>
        <translation>Pro Funktions-Host, mindestens 16 MB. Ein Element, das mehr braucht, schlägt mit „out of memory (limit N MB)“ fehl; der Rest des Auftrags läuft weiter.</translation>
    </message>
    <message>
        <source>stop at once</source>
        <translation>sofort anhalten</translation>
    </message>
    <message>
        <source>On Cancel, how long the running batches may finish. Then the function hosts still busy are killed; every finished row is kept.</source>
        <translation>Wie lange laufende Batches nach „Abbrechen“ noch fertig werden dürfen. Danach werden noch beschäftigte Funktions-Hosts beendet; jede fertige Zeile bleibt erhalten.</translation>
    </message>
    <message>
        <source>Isolation</source>
        <translation>Isolation</translation>
    </message>
    <message>
        <source>Element time limit</source>
        <translation>Zeitgrenze pro Element</translation>
    </message>
    <message>
        <source>Memory limit per host</source>
        <translation>Speichergrenze pro Host</translation>
    </message>
    <message>
        <source>Stop grace period</source>
        <translation>Schonfrist beim Anhalten</translation>
    </message>
    <message>
        <source>The function runs in fastmap-host processes, so a function that crashes, hangs or eats memory costs one element and never the window: that element fails with what happened, and the job goes on.</source>
        <translation>Die Funktion läuft in fastmap-host-Prozessen: Eine Funktion, die abstürzt, hängt oder Speicher frisst, kostet ein Element und nie das Fenster. Dieses Element schlägt mit dem Grund fehl, und der Auftrag läuft weiter.</translation>
    </message>
    <message>
        <source>The function runs on the app&apos;s own threads: a little less overhead for very cheap functions, but a crash closes the app, a hung function keeps its thread until the app quits, and the limits below do not apply.</source>
        <translation>Die Funktion läuft auf den Threads der App: etwas weniger Aufwand für sehr billige Funktionen, aber ein Absturz beendet die App, eine hängende Funktion behält ihren Thread, bis die App endet, und die Grenzen unten gelten nicht.</translation>
    </message>
</context>
<context>
    <name>fastmap::TokenStore</name>
    <message>
        <source>No keychain is available (%1); the token is kept in %2, readable only by you.</source>
        <translation>Kein Schlüsselbund verfügbar (%1); das Token liegt in %2, nur für Sie lesbar.</translation>
    </message>
    <message>
        <source>the keychain did not answer</source>
        <translation>der Schlüsselbund hat nicht geantwortet</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
</context>
<context>
    <name>fastmap::WorkerTableModel</name>
    <message>
        <source>idle</source>
        <translation>untätig</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>Elements</source>
        <translation>Elemente</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>Batches</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>Gebühr</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
</context>
<context>
    <name>fastmap::WorkersPanel</name>
    <message>
        <source>https://host:8750</source>
        <translation>https://host:8750</translation>
    </message>
    <message>
        <source>Add worker</source>
        <translation>Worker hinzufügen</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>Auswahl entfernen</translation>
    </message>
    <message>
        <source>Set token…</source>
        <translation>Token setzen…</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http:// or https:// URL.</source>
        <translation>„%1“ ist keine http://- oder https://-URL.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Fastmap Desktop: runs a function over every element of a dataset.</source>
        <translation>Fastmap Desktop: wendet eine Funktion auf jedes Element eines Datensatzes an.</translation>
    </message>
    <message>
        <source>A dataset to open.</source>
        <translation>Ein zu öffnender Datensatz.</translation>
    </message>
    <message>
        <source>Select this function.</source>
        <translation>Diese Funktion auswählen.</translation>
    </message>
    <message>
        <source>Set a parameter (repeatable).</source>
        <translation>Einen Parameter setzen (wiederholbar).</translation>
    </message>
    <message>
        <source>Start the job at once.</source>
        <translation>Den Auftrag sofort starten.</translation>
    </message>
</context>
</TS>
