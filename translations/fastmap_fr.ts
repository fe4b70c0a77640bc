<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>fastmap::ChargesDialog</name>
    <message>
        <source>Use paid remote workers?</source>
        <translation>Utiliser des workers distants payants ?</translation>
    </message>
    <message>
        <source>A sample measured the function. Local threads keep working while you decide.</source>
        <translation>Un échantillon a mesuré la fonction. Les threads locaux continuent pendant que vous décidez.</translation>
    </message>
    <message>
        <source>Elements</source>
        <translation>Éléments</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>about %L1</source>
        <translation>environ %L1</translation>
    </message>
    <message>
        <source>%L1</source>
        <translation>%L1</translation>
    </message>
    <message>
        <source>Time per element</source>
        <translation>Temps par élément</translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation>%1 µs</translation>
    </message>
    <message>
        <source>Time, local only</source>
        <translation>Durée, en local seulement</translation>
    </message>
    <message>
        <source>Time, with remote</source>
        <translation>Durée, avec les workers distants</translation>
    </message>
    <message>
        <source>Remote vCPU-hours</source>
        <translation>Heures vCPU distantes</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Prix</translation>
    </message>
    <message>
        <source>up to $%1 per vCPU-hour</source>
        <translation>jusqu&apos;à %1 $ par heure vCPU</translation>
    </message>
    <message>
        <source>Estimated cost</source>
        <translation>Coût estimé</translation>
    </message>
    <message>
        <source>Credits left</source>
        <translation>Crédit restant</translation>
    </message>
    <message>
        <source>unlimited or unknown</source>
        <translation>illimité ou inconnu</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>sans plafond</translation>
    </message>
    <message>
        <source>Paid workers stop taking batches at this amount. It applies from the next run.</source>
        <translation>Les workers payants cessent de prendre des lots à ce montant. Effectif à partir de la prochaine exécution.</translation>
    </message>
    <message>
        <source>Spend cap (next runs)</source>
        <translation>Plafond de dépenses (prochaines exécutions)</translation>
    </message>
    <message>
        <source>Run with remote workers</source>
        <translation>Exécuter avec les workers distants</translation>
    </message>
    <message>
        <source>Run locally only</source>
        <translation>Exécuter en local seulement</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
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
        <translation>Colonnes</translation>
    </message>
    <message>
        <source>Pick a function and a dataset.</source>
        <translation>Choisissez une fonction et un jeu de données.</translation>
    </message>
    <message>
        <source>(not mapped)</source>
        <translation>(non associée)</translation>
    </message>
</context>
<context>
    <name>fastmap::DatasetPanel</name>
    <message>
        <source>Dataset</source>
        <translation>Jeu de données</translation>
    </message>
    <message>
        <source>A CSV, JSON Lines or text file, or range:N</source>
        <translation>Un fichier CSV, JSON Lines ou texte, ou range:N</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Ouvrir…</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>Récents</translation>
    </message>
    <message>
        <source>Cannot open the dataset: %1</source>
        <translation>Impossible d&apos;ouvrir le jeu de données : %1</translation>
    </message>
    <message>
        <source>%1 columns; reading stopped early: %2</source>
        <translation>%1 colonnes ; la lecture s’est arrêtée tôt : %2</translation>
    </message>
    <message numerus="yes">
        <source>%n column(s); the first rows are shown.</source>
        <translation>
            <numerusform>%n colonne ; les premières lignes sont affichées.</numerusform>
            <numerusform>%n colonnes ; les premières lignes sont affichées.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::ErrorTableModel</name>
    <message>
        <source>Element</source>
        <translation>Élément</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Entrée</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Executor</source>
        <translation>Exécutant</translation>
    </message>
</context>
<context>
    <name>fastmap::FunctionPicker</name>
    <message>
        <source>Function</source>
        <translation>Fonction</translation>
    </message>
    <message>
        <source>Search functions</source>
        <translation>Rechercher des fonctions</translation>
    </message>
    <message>
        <source>%1 (not loaded)</source>
        <translation>%1 (non chargé)</translation>
    </message>
    <message>
        <source>This plugin could not be loaded: %1</source>
        <translation>Ce plugin n&apos;a pas pu être chargé : %1</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Entrées</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>Sorties</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
</context>
<context>
    <name>fastmap::JobController</name>
    <message>
        <source>A job is already running.</source>
        <translation>Une tâche est déjà en cours.</translation>
    </message>
    <message>
        <source>No element failed.</source>
        <translation>Aucun élément n&apos;a échoué.</translation>
    </message>
    <message>
        <source>Cannot write the elements to retry: %1</source>
        <translation>Impossible d&apos;écrire les éléments à relancer : %1</translation>
    </message>
    <message>
        <source>Resuming job %1: %L2 elements are stored; computing the rest.</source>
        <translation>Reprise de la tâche %1 : %L2 éléments sont enregistrés ; calcul du reste.</translation>
    </message>
    <message>
        <source>Job %1: %2.</source>
        <translation>Tâche %1 : %2.</translation>
    </message>
</context>
<context>
    <name>fastmap::JobHistoryModel</name>
    <message>
        <source>There is no job %1.</source>
        <translation>Il n’y a pas de tâche %1.</translation>
    </message>
    <message>
        <source>Job %1 is running; stop it first.</source>
        <translation>La tâche %1 est en cours ; arrêtez-la d’abord.</translation>
    </message>
    <message>
        <source>%1: name the bundle .zip or .tar.zst.</source>
        <translation>%1 : nommez l’archive .zip ou .tar.zst.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>interrompue</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>terminée</translation>
    </message>
    <message>
        <source>completed with failures</source>
        <translation>terminée avec des échecs</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulée</translation>
    </message>
    <message>
        <source>stopped on error</source>
        <translation>arrêtée sur erreur</translation>
    </message>
    <message>
        <source>input failed</source>
        <translation>échec de l’entrée</translation>
    </message>
    <message>
        <source>output failed</source>
        <translation>échec de la sortie</translation>
    </message>
    <message>
        <source>every worker died</source>
        <translation>tous les workers sont tombés</translation>
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
        <translation>Tâche</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Function</source>
        <translation>Fonction</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Entrée</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Sortie</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarrée</translation>
    </message>
    <message>
        <source>Elements</source>
        <translation>Éléments</translation>
    </message>
    <message>
        <source>Job %1 is still being exported; wait for it to finish.</source>
        <translation>La tâche %1 est encore en cours d’export ; attendez qu’il se termine.</translation>
    </message>
    <message>
        <source>%1 could not be written.</source>
        <translation>%1 n’a pas pu être écrit.</translation>
    </message>
</context>
<context>
    <name>fastmap::JobsPanel</name>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Show log</source>
        <translation>Afficher le journal</translation>
    </message>
    <message>
        <source>Finish a stopped or interrupted job: only what is unfinished is computed.</source>
        <translation>Terminer une tâche arrêtée ou interrompue : seul ce qui reste est calculé.</translation>
    </message>
    <message>
        <source>Write the results, errors, job log, manifest and plots to a .zip or .tar.zst.</source>
        <translation>Écrire les résultats, les erreurs, le journal de la tâche, le manifeste et les graphiques dans un .zip ou un .tar.zst.</translation>
    </message>
    <message>
        <source>Remove the job and its stored results; the result file is kept.</source>
        <translation>Supprimer la tâche et ses résultats enregistrés ; le fichier de résultats est conservé.</translation>
    </message>
    <message>
        <source>The job log: one line per batch.</source>
        <translation>Le journal de la tâche : une ligne par lot.</translation>
    </message>
</context>
<context>
    <name>fastmap::LiveView</name>
    <message>
        <source>Throughput (elements/s)</source>
        <translation>Débit (éléments/s)</translation>
    </message>
    <message>
        <source>Progress (elements)</source>
        <translation>Progression (éléments)</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>Coût (USD)</translation>
    </message>
    <message>
        <source>Results histogram</source>
        <translation>Histogramme des résultats</translation>
    </message>
    <message>
        <source>done</source>
        <translation>traités</translation>
    </message>
    <message>
        <source>so far</source>
        <translation>jusqu&apos;ici</translation>
    </message>
    <message>
        <source>estimate</source>
        <translation>estimation</translation>
    </message>
    <message>
        <source>count</source>
        <translation>nombre</translation>
    </message>
    <message>
        <source>Histogram of</source>
        <translation>Histogramme de</translation>
    </message>
    <message>
        <source>Results histogram: %1</source>
        <translation>Histogramme des résultats : %1</translation>
    </message>
    <message>
        <source>%L1 of %L2 elements, about %3 s left</source>
        <translation>%L1 éléments sur %L2, encore environ %3 s</translation>
    </message>
    <message>
        <source>%L1 elements in %2 s</source>
        <translation>%L1 éléments en %2 s</translation>
    </message>
    <message>
        <source>Fastmap live view</source>
        <translation>Vue en direct de Fastmap</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>Impossible d&apos;écrire %1</translation>
    </message>
    <message>
        <source>Results histogram: no numeric output</source>
        <translation>Histogramme des résultats : aucune sortie numérique</translation>
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
        <translation>Ouvrez un jeu de données et choisissez une fonction.</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>remarque : %1</translation>
    </message>
    <message>
        <source>Estimate:
%1</source>
        <translation>Estimation :
%1</translation>
    </message>
    <message>
        <source>Remote workers would not help: %1</source>
        <translation>Les workers distants ne seraient pas utiles : %1</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Dataset %1 opened.</source>
        <translation>Jeu de données %1 ouvert.</translation>
    </message>
    <message>
        <source>Retry failed</source>
        <translation>Relancer les échecs</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Résultats</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>En direct</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Erreurs</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open dataset…</source>
        <translation>&amp;Ouvrir un jeu de données…</translation>
    </message>
    <message>
        <source>&amp;Export results…</source>
        <translation>&amp;Exporter les résultats…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Export &amp;plots…</source>
        <translation>Exporter les &amp;graphiques…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Job</source>
        <translation>&amp;Tâche</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Exécuter</translation>
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
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>Re&amp;try failed</source>
        <translation>&amp;Relancer les échecs</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Édition</translation>
    </message>
    <message>
        <source>&amp;Copy rows</source>
        <translation>&amp;Copier les lignes</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Open a dataset first.</source>
        <translation>Ouvrez d&apos;abord un jeu de données.</translation>
    </message>
    <message>
        <source>Pick a function first.</source>
        <translation>Choisissez d&apos;abord une fonction.</translation>
    </message>
    <message>
        <source>Cannot start: %1</source>
        <translation>Démarrage impossible : %1</translation>
    </message>
    <message>
        <source>Started %1 on %2.</source>
        <translation>%1 lancé sur %2.</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>En cours…</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message numerus="yes">
        <source>Retrying %n failed element(s).</source>
        <translation>
            <numerusform>Relance de %n élément en échec.</numerusform>
            <numerusform>Relance de %n éléments en échec.</numerusform>
        </translation>
    </message>
    <message>
        <source>%L1 of %L2</source>
        <translation>%L1 sur %L2</translation>
    </message>
    <message>
        <source>%L1 done</source>
        <translation>%L1 traités</translation>
    </message>
    <message>
        <source>%L1/s</source>
        <translation>%L1/s</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Fin dans %1</translation>
    </message>
    <message>
        <source>cost $%1</source>
        <translation>coût %1 $</translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n en échec</numerusform>
            <numerusform>%n en échec</numerusform>
        </translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>Paid remote workers would cost about $%1; asking.</source>
        <translation>Les workers distants payants coûteraient environ %1 $ ; demande de confirmation.</translation>
    </message>
    <message>
        <source>Using the remote workers.</source>
        <translation>Utilisation des workers distants.</translation>
    </message>
    <message>
        <source>Going on with local threads only.</source>
        <translation>Poursuite avec les threads locaux seulement.</translation>
    </message>
    <message>
        <source>Finished (%1): %L2 elements in %3 s</source>
        <translation>Terminé (%1) : %L2 éléments en %3 s</translation>
    </message>
    <message>
        <source>remote cost $%1</source>
        <translation>coût distant %1 $</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Échec de l&apos;export : %1</translation>
    </message>
    <message>
        <source>Results written to %1.</source>
        <translation>Résultats écrits dans %1.</translation>
    </message>
    <message>
        <source>Plots written to %1.</source>
        <translation>Graphiques écrits dans %1.</translation>
    </message>
    <message>
        <source>Open dataset</source>
        <translation>Ouvrir un jeu de données</translation>
    </message>
    <message>
        <source>Datasets (*.csv *.tsv *.jsonl *.ndjson *.txt);;All files (*)</source>
        <translation>Jeux de données (*.csv *.tsv *.jsonl *.ndjson *.txt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>Exporter les résultats</translation>
    </message>
    <message>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation>CSV (*.csv);;JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Export plots</source>
        <translation>Exporter les graphiques</translation>
    </message>
    <message>
        <source>PNG (*.png);;SVG (*.svg)</source>
        <translation>PNG (*.png);;SVG (*.svg)</translation>
    </message>
    <message numerus="yes">
        <source>Live view: %n redraw(s), %1 ms in all.</source>
        <translation>
            <numerusform>Vue en direct : %n rafraîchissement, %1 ms au total.</numerusform>
            <numerusform>Vue en direct : %n rafraîchissements, %1 ms au total.</numerusform>
        </translation>
    </message>
    <message>
        <source>The job history cannot be read: %1</source>
        <translation>L’historique des tâches ne peut pas être lu : %1</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Job %1; results go to %2.</source>
        <translation>Tâche %1 ; les résultats vont dans %2.</translation>
    </message>
    <message>
        <source>Cannot resume: %1</source>
        <translation>Reprise impossible : %1</translation>
    </message>
    <message>
        <source>Resumed job %1; results go to %2.</source>
        <translation>Tâche %1 reprise ; les résultats vont dans %2.</translation>
    </message>
    <message>
        <source>Job %1: the bundle has no plots, as the live plots are not of this job (it ran in an earlier session or before the last job).</source>
        <translation>Tâche %1 : l’archive ne contient pas de graphiques, car les graphiques en direct ne sont pas ceux de cette tâche (elle a tourné lors d’une session précédente ou avant la dernière tâche).</translation>
    </message>
    <message>
        <source>Job %1 written to %2.</source>
        <translation>Tâche %1 écrite dans %2.</translation>
    </message>
    <message>
        <source>Remove job</source>
        <translation>Supprimer la tâche</translation>
    </message>
    <message>
        <source>Remove job %1 and its stored results? It cannot be resumed or exported afterwards. Its result file is kept.</source>
        <translation>Supprimer la tâche %1 et ses résultats enregistrés ? Elle ne pourra plus être reprise ni exportée. Son fichier de résultats est conservé.</translation>
    </message>
    <message>
        <source>Cannot remove: %1</source>
        <translation>Suppression impossible : %1</translation>
    </message>
    <message>
        <source>Job %1 removed.</source>
        <translation>Tâche %1 supprimée.</translation>
    </message>
    <message>
        <source>Job log of %1</source>
        <translation>Journal de la tâche %1</translation>
    </message>
    <message>
        <source>Export job</source>
        <translation>Exporter la tâche</translation>
    </message>
    <message>
        <source>Zip archive (*.zip);;Zstandard tar archive (*.tar.zst)</source>
        <translation>Archive zip (*.zip);;Archive tar Zstandard (*.tar.zst)</translation>
    </message>
    <message>
        <source>Writing job %1 to %2…</source>
        <translation>Écriture de la tâche %1 dans %2…</translation>
    </message>
    <message>
        <source>Stopping now; finished rows are kept.</source>
        <translation>Arrêt immédiat ; les lignes terminées sont conservées.</translation>
    </message>
    <message>
        <source>Stopping: running batches get %1 s to finish, then the function is stopped; finished rows are kept. Cancel again to stop at once.</source>
        <translation>Arrêt : les lots en cours ont %1 s pour finir, puis la fonction est arrêtée ; les lignes terminées sont conservées. Annulez de nouveau pour arrêter tout de suite.</translation>
    </message>
    <message numerus="yes">
        <source>%n element(s) crashed the function and failed alone</source>
        <translation>
            <numerusform>%n élément a fait planter la fonction et a échoué seul</numerusform>
            <numerusform>%n éléments ont fait planter la fonction et ont échoué seuls</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The function took its host process down on %n element(s); each was found and failed on its own (see the Errors tab), and every other element has its result.</source>
        <translation>
            <numerusform>La fonction a fait tomber son processus hôte sur %n élément ; il a été trouvé et a échoué seul (voir l’onglet Erreurs), et chaque autre élément a son résultat.</numerusform>
            <numerusform>La fonction a fait tomber son processus hôte sur %n éléments ; chacun a été trouvé et a échoué seul (voir l’onglet Erreurs), et chaque autre élément a son résultat.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n thread(s) were still inside the function when the job stopped; they are left to it until the app quits. Process isolation (Settings) stops such a function for good.</source>
        <translation>
            <numerusform>%n thread était encore dans la fonction quand la tâche s’est arrêtée ; il lui est laissé jusqu’à la fermeture de l’application. L’isolation par processus (Paramètres) arrête une telle fonction pour de bon.</numerusform>
            <numerusform>%n threads étaient encore dans la fonction quand la tâche s’est arrêtée ; ils lui sont laissés jusqu’à la fermeture de l’application. L’isolation par processus (Paramètres) arrête une telle fonction pour de bon.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::ParameterForm</name>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>This function has no parameters.</source>
        <translation>Cette fonction n&apos;a pas de paramètres.</translation>
    </message>
    <message>
        <source>Pick a function.</source>
        <translation>Choisissez une fonction.</translation>
    </message>
</context>
<context>
    <name>fastmap::ResultTableModel</name>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
</context>
<context>
    <name>fastmap::RunSettingsForm</name>
    <message>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Local</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Distant</translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation>Adaptatif</translation>
    </message>
    <message>
        <source>Adaptive adds the remote workers only when they make the job faster.</source>
        <translation>Adaptatif n&apos;ajoute les workers distants que s&apos;ils accélèrent la tâche.</translation>
    </message>
    <message>
        <source>one per core</source>
        <translation>un par cœur</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Stratégie</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>none configured (Workers tab)</source>
        <translation>aucun configuré (onglet Workers)</translation>
    </message>
    <message numerus="yes">
        <source>%n configured</source>
        <translation>
            <numerusform>%n configuré</numerusform>
            <numerusform>%n configurés</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::SettingsDialog</name>
    <message>
        <source>Ask before paid remote workers are used</source>
        <translation>Demander avant d&apos;utiliser des workers distants payants</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Local</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Distant</translation>
    </message>
    <message>
        <source>Adaptive</source>
        <translation>Adaptatif</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>sans plafond</translation>
    </message>
    <message>
        <source>one per core</source>
        <translation>un par cœur</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>inchangé</translation>
    </message>
    <message>
        <source>Default policy</source>
        <translation>Stratégie par défaut</translation>
    </message>
    <message>
        <source>Spend cap</source>
        <translation>Plafond de dépenses</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>Batch duration</source>
        <translation>Durée des lots</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Worker token</source>
        <translation>Jeton des workers</translation>
    </message>
    <message>
        <source>A new language applies when the app starts again.</source>
        <translation>Une nouvelle langue s&apos;applique au prochain démarrage de l&apos;application.</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Jeton</translation>
    </message>
    <message>
        <source>Use: take stored results, store new ones</source>
        <translation>Utiliser : reprendre les résultats enregistrés, enregistrer les nouveaux</translation>
    </message>
    <message>
        <source>Refresh: compute everything, store it</source>
        <translation>Rafraîchir : tout calculer et l’enregistrer</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Désactivé</translation>
    </message>
    <message>
        <source>Clear cache</source>
        <translation>Vider le cache</translation>
    </message>
    <message>
        <source>Remove every stored result now. Jobs and their results are not touched.</source>
        <translation>Supprimer maintenant tous les résultats enregistrés. Les tâches et leurs résultats ne sont pas touchés.</translation>
    </message>
    <message>
        <source>Result cache</source>
        <translation>Cache des résultats</translation>
    </message>
    <message>
        <source>The cache cannot be read: %1</source>
        <translation>Le cache ne peut pas être lu : %1</translation>
    </message>
    <message>
        <source>%1 results, %2</source>
        <translation>%1 résultats, %2</translation>
    </message>
    <message>
        <source>The cache cannot be cleared: %1</source>
        <translation>Le cache ne peut pas être vidé : %1</translation>
    </message>
    <message>
        <source> GiB</source>
        <translation> Gio</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>Élaguer</translation>
    </message>
    <message>
        <source>Drop the stored results of every finished job now. Their job log, errors and summary stay, and completed jobs keep their result files.</source>
        <translation>Supprimer maintenant les résultats enregistrés de chaque tâche terminée. Leur journal, leurs erreurs et leur résumé restent, et les tâches achevées gardent leurs fichiers de résultats.</translation>
    </message>
    <message>
        <source>Job store limit</source>
        <translation>Limite du stockage des tâches</translation>
    </message>
    <message>
        <source>The job store cannot be read: %1</source>
        <translation>Le stockage des tâches est illisible : %1</translation>
    </message>
    <message>
        <source>%1 jobs, %2 on disk</source>
        <translation>%1 tâches, %2 sur le disque</translation>
    </message>
    <message>
        <source>The job store cannot be pruned: %1</source>
        <translation>Le stockage des tâches ne peut pas être élagué : %1</translation>
    </message>
    <message>
        <source>Process: in separate function hosts (safe)</source>
        <translation>Processus : dans des hôtes de fonction séparés (sûr)</translation>
    </message>
    <message>
        <source>Thread: inside the app (a crash closes it)</source>
        <translation>Thread : dans l’application (un plantage la ferme)</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sans limite</translation>
    </message>
    <message>
        <source>An element that runs longer fails with &quot;timed out after N s&quot;; the rest of the job goes on.</source>
        <translation>Un élément qui dure plus longtemps échoue avec « timed out after N s » ; le reste de la tâche continue.</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> Mo</translation>
    </message>
    <message>
        <source>Per function host, 16 MB or more. An element that needs more fails with &quot;out of memory (limit N MB)&quot;; the rest of the job goes on.</source>
        <translation>Par hôte de fonction, 16 Mo ou plus. Un élément qui en demande davantage échoue avec « out of memory (limit N MB) » ; le reste de la tâche continue.</translation>
    </message>
    <message>
        <source>stop at once</source>
        <translation>arrêter tout de suite</translation>
    </message>
    <message>
        <source>On Cancel, how long the running batches may finish. Then the function hosts still busy are killed; every finished row is kept.</source>
        <translation>Après Annuler, le temps laissé aux lots en cours pour finir. Ensuite les hôtes de fonction encore occupés sont tués ; chaque ligne terminée est conservée.</translation>
    </message>
    <message>
        <source>Isolation</source>
        <translation>Isolation</translation>
    </message>
    <message>
        <source>Element time limit</source>
        <translation>Limite de temps par élément</translation>
    </message>
    <message>
        <source>Memory limit per host</source>
        <translation>Limite de mémoire par hôte</translation>
    </message>
    <message>
        <source>Stop grace period</source>
        <translation>Délai de grâce à l’arrêt</translation>
    </message>
    <message>
        <source>The function runs in fastmap-host processes, so a function that crashes, hangs or eats memory costs one element and never the window: that element fails with what happened, and the job goes on.</source>
        <translation>La fonction s’exécute dans des processus fastmap-host : une fonction qui plante, se bloque ou dévore la mémoire coûte un élément, jamais la fenêtre. Cet élément échoue avec la cause, et la tâche continue.</translation>
    </message>
    <message>
        <source>The function runs on the app&apos;s own threads: a little less overhead for very cheap functions, but a crash closes the app, a hung function keeps its thread until the app quits, and the limits below do not apply.</source>
        <translation>La fonction s’exécute sur les threads de l’application : un peu moins de surcoût pour les fonctions très légères, mais un plantage ferme l’application, une fonction bloquée garde son thread jusqu’à la fermeture, et les limites ci-dessous ne s’appliquent pas.</translation>
    </message>
</context>
<context>
    <name>fastmap::TokenStore</name>
    <message>
        <source>No keychain is available (%1); the token is kept in %2, readable only by you.</source>
        <translation>Aucun trousseau n&apos;est disponible (%1) ; le jeton est conservé dans %2, lisible par vous seul.</translation>
    </message>
    <message>
        <source>the keychain did not answer</source>
        <translation>le trousseau n&apos;a pas répondu</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>désactivé</translation>
    </message>
</context>
<context>
    <name>fastmap::WorkerTableModel</name>
    <message>
        <source>idle</source>
        <translation>inactif</translation>
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
        <translation>État</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latence</translation>
    </message>
    <message>
        <source>Elements</source>
        <translation>Éléments</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>Lots</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Débit</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>Facturation</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Dernière erreur</translation>
    </message>
</context>
<context>
    <name>fastmap::WorkersPanel</name>
    <message>
        <source>https://host:8750</source>
        <translation>https://hote:8750</translation>
    </message>
    <message>
        <source>Add worker</source>
        <translation>Ajouter un worker</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>Retirer la sélection</translation>
    </message>
    <message>
        <source>Set token…</source>
        <translation>Définir le jeton…</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http:// or https:// URL.</source>
        <translation>« %1 » n’est pas une URL http:// ou https://.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Fastmap Desktop: runs a function over every element of a dataset.</source>
        <translation>Fastmap Desktop : applique une fonction à chaque élément d&apos;un jeu de données.</translation>
    </message>
    <message>
        <source>A dataset to open.</source>
        <translation>Un jeu de données à ouvrir.</translation>
    </message>
    <message>
        <source>Select this function.</source>
        <translation>Choisir cette fonction.</translation>
    </message>
    <message>
        <source>Set a parameter (repeatable).</source>
        <translation>Définir un paramètre (répétable).</translation>
    </message>
    <message>
        <source>Start the job at once.</source>
        <translation>Lancer la tâche immédiatement.</translation>
    </message>
</context>
</TS>
