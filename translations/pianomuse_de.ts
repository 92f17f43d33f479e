<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Train an AI model of your own piano music.</source>
        <translation>Trainieren Sie ein KI-Modell Ihrer eigenen Klaviermusik.</translation>
    </message>
    <message>
        <source>Open the bundled demo dataset (built on first use).</source>
        <translation>Den mitgelieferten Demo-Datensatz öffnen (wird beim ersten Mal erstellt).</translation>
    </message>
    <message>
        <source>MIDI files or folders to add to the dataset.</source>
        <translation>MIDI-Dateien oder Ordner, die dem Datensatz hinzugefügt werden.</translation>
    </message>
</context>
<context>
    <name>pm::app::AboutDialog</name>
    <message>
        <source>User interface</source>
        <translation>Benutzeroberfläche</translation>
    </message>
    <message>
        <source>Neural network engine</source>
        <translation>Engine für neuronale Netze</translation>
    </message>
    <message>
        <source>Fast matrix arithmetic</source>
        <translation>Schnelle Matrizenrechnung</translation>
    </message>
    <message>
        <source>Loss plots</source>
        <translation>Verlustkurven</translation>
    </message>
    <message>
        <source>MIDI output</source>
        <translation>MIDI-Ausgabe</translation>
    </message>
    <message>
        <source>Built-in synthesizer</source>
        <translation>Eingebauter Synthesizer</translation>
    </message>
    <message>
        <source>Piano sound</source>
        <translation>Klavierklang</translation>
    </message>
    <message>
        <source>Command-line parsing</source>
        <translation>Befehlszeilenauswertung</translation>
    </message>
    <message>
        <source>JSON files</source>
        <translation>JSON-Dateien</translation>
    </message>
    <message>
        <source>About PianoMuse</source>
        <translation>Über PianoMuse</translation>
    </message>
    <message>
        <source>&lt;h2&gt;PianoMuse %1&lt;/h2&gt;&lt;p&gt;Train an AI model of your own piano music.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;PianoMuse %1&lt;/h2&gt;&lt;p&gt;Trainieren Sie ein KI-Modell Ihrer eigenen Klaviermusik.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Running on %1 with %2.</source>
        <translation>Läuft auf %1 mit %2.</translation>
    </message>
    <message>
        <source>PianoMuse is free software under the GNU General Public License, version 3 or later. It is built on these libraries:</source>
        <translation>PianoMuse ist freie Software unter der GNU General Public License, Version 3 oder später. Es baut auf diesen Bibliotheken auf:</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Verwendet für</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
</context>
<context>
    <name>pm::app::DatasetPage</name>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Your music is what the model learns from. Drop MIDI files or whole folders onto this window; PianoMuse reads each file, tells you which ones it could use, and builds a dataset for training.</source>
        <translation>Das Modell lernt aus Ihrer Musik. Ziehen Sie MIDI-Dateien oder ganze Ordner in dieses Fenster; PianoMuse liest jede Datei, zeigt Ihnen, welche es verwenden konnte, und erstellt daraus einen Datensatz für das Training.</translation>
    </message>
    <message>
        <source>Drop .mid, .midi, .kar or .rmi files and folders here</source>
        <translation>.mid-, .midi-, .kar- oder .rmi-Dateien und Ordner hier ablegen</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>Dateien hinzufügen…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <source>Open dataset…</source>
        <translation>Datensatz öffnen…</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Optionen</translation>
    </message>
    <message>
        <source>Share of pieces kept aside to measure how well the model generalises</source>
        <translation>Anteil der Stücke, die beiseitegelegt werden, um zu messen, wie gut das Modell verallgemeinert</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <source>Validation pieces:</source>
        <translation>Validierungsstücke:</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>semitones</source>
        <translation>Halbtöne</translation>
    </message>
    <message>
        <source>Transpose while training:</source>
        <translation>Beim Training transponieren:</translation>
    </message>
    <message>
        <source>Tempo stretch while training:</source>
        <translation>Tempodehnung beim Training:</translation>
    </message>
    <message>
        <source>Saved in:</source>
        <translation>Gespeichert in:</translation>
    </message>
    <message>
        <source>Build dataset</source>
        <translation>Datensatz erstellen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>No dataset yet.</source>
        <translation>Noch kein Datensatz.</translation>
    </message>
    <message>
        <source>Filter files…</source>
        <translation>Dateien filtern…</translation>
    </message>
    <message>
        <source>Add MIDI files or folders first.</source>
        <translation>Fügen Sie zuerst MIDI-Dateien oder Ordner hinzu.</translation>
    </message>
    <message>
        <source>Adding files…</source>
        <translation>Dateien werden hinzugefügt…</translation>
    </message>
    <message>
        <source>Reading files…</source>
        <translation>Dateien werden gelesen…</translation>
    </message>
    <message>
        <source>%1 of %2 files</source>
        <translation>%1 von %2 Dateien</translation>
    </message>
    <message>
        <source>Cancelled. The dataset on disk is unchanged.</source>
        <translation>Abgebrochen. Der gespeicherte Datensatz ist unverändert.</translation>
    </message>
    <message>
        <source>The dataset could not be built: %1</source>
        <translation>Der Datensatz konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>%1 pieces (%2 for training, %3 for validation), %4 hours of music, %5 notes, %6 tokens. %7 files rejected, %8 duplicates, %9 repaired.</source>
        <translation>%1 Stücke (%2 zum Training, %3 zur Validierung), %4 Stunden Musik, %5 Noten, %6 Tokens. %7 Dateien abgelehnt, %8 Duplikate, %9 repariert.</translation>
    </message>
    <message>
        <source>Add MIDI files</source>
        <translation>MIDI-Dateien hinzufügen</translation>
    </message>
    <message>
        <source>MIDI files (*.mid *.midi *.kar *.rmi);;All files (*)</source>
        <translation>MIDI-Dateien (*.mid *.midi *.kar *.rmi);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Add a folder of MIDI files</source>
        <translation>Einen Ordner mit MIDI-Dateien hinzufügen</translation>
    </message>
    <message>
        <source>Open a dataset</source>
        <translation>Einen Datensatz öffnen</translation>
    </message>
    <message>
        <source>%1 is not a PianoMuse dataset.</source>
        <translation>%1 ist kein PianoMuse-Datensatz.</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>Demo ausprobieren</translation>
    </message>
    <message>
        <source>No music at hand? Builds a dataset from the bundled pieces, trains a small model for a few minutes and lets it continue one of them.</source>
        <translation>Keine Musik zur Hand? Erstellt einen Datensatz aus den mitgelieferten Stücken, trainiert einige Minuten lang ein kleines Modell und lässt es eines davon fortsetzen.</translation>
    </message>
    <message>
        <source>Validation pieces (percent)</source>
        <translation>Validierungsstücke (Prozent)</translation>
    </message>
    <message>
        <source>Split seed</source>
        <translation>Startwert für die Aufteilung</translation>
    </message>
    <message>
        <source>Transpose from (semitones)</source>
        <translation>Transponieren von (Halbtöne)</translation>
    </message>
    <message>
        <source>Transpose to (semitones)</source>
        <translation>Transponieren bis (Halbtöne)</translation>
    </message>
    <message>
        <source>Tempo stretch from</source>
        <translation>Tempodehnung von</translation>
    </message>
    <message>
        <source>Tempo stretch to</source>
        <translation>Tempodehnung bis</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>Datensatzordner</translation>
    </message>
    <message>
        <source>Dataset build progress</source>
        <translation>Fortschritt der Datensatzerstellung</translation>
    </message>
    <message>
        <source>Dataset summary</source>
        <translation>Datensatzübersicht</translation>
    </message>
    <message>
        <source>Filter files</source>
        <translation>Dateien filtern</translation>
    </message>
    <message>
        <source>Files and their status</source>
        <translation>Dateien und ihr Status</translation>
    </message>
    <message>
        <source>Preview of the selected file</source>
        <translation>Vorschau der ausgewählten Datei</translation>
    </message>
    <message>
        <source>Drop zone for MIDI files and folders</source>
        <translation>Ablagefläche für MIDI-Dateien und Ordner</translation>
    </message>
    <message>
        <source>Add files</source>
        <translation>Dateien hinzufügen</translation>
    </message>
    <message>
        <source>Add folder</source>
        <translation>Ordner hinzufügen</translation>
    </message>
    <message>
        <source>Open dataset</source>
        <translation>Datensatz öffnen</translation>
    </message>
    <message>
        <source>Cancel the build</source>
        <translation>Erstellung abbrechen</translation>
    </message>
    <message>
        <source>A training run is reading this dataset; it can be rebuilt when the run ends.</source>
        <translation>Ein Trainingslauf liest diesen Datensatz; er kann neu erstellt werden, wenn der Lauf endet.</translation>
    </message>
</context>
<context>
    <name>pm::app::EngineController</name>
    <message>
        <source>PianoMuse is closing.</source>
        <translation>PianoMuse wird beendet.</translation>
    </message>
    <message>
        <source>A training run is reading %1; build into another folder or stop the run first.</source>
        <translation>Ein Trainingslauf liest %1; erstellen Sie den Datensatz in einem anderen Ordner oder stoppen Sie zuerst den Lauf.</translation>
    </message>
    <message>
        <source>Another training is already writing to %1.</source>
        <translation>Ein anderes Training schreibt bereits in %1.</translation>
    </message>
    <message>
        <source>The dataset %1 is being built; train when it is done.</source>
        <translation>Der Datensatz %1 wird gerade erstellt; trainieren Sie, sobald er fertig ist.</translation>
    </message>
    <message>
        <source>The demo is already running.</source>
        <translation>Die Demo läuft bereits.</translation>
    </message>
    <message>
        <source>A jam is already running; stop it first.</source>
        <translation>Es läuft bereits eine Jam-Session; beenden Sie sie zuerst.</translation>
    </message>
    <message>
        <source>A model report is reading %1; build into another folder or wait for the report.</source>
        <translation>Ein Modellbericht liest %1; bauen Sie in einen anderen Ordner oder warten Sie auf den Bericht.</translation>
    </message>
    <message>
        <source>The dataset %1 is being built; make the report when it is done.</source>
        <translation>Der Datensatz %1 wird gerade gebaut; erstellen Sie den Bericht, wenn er fertig ist.</translation>
    </message>
</context>
<context>
    <name>pm::app::FileReportModel</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Repaired</source>
        <translation>Repariert</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplikat</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Noten</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <source>Piano</source>
        <translation>Klavier</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Aufteilung</translation>
    </message>
</context>
<context>
    <name>pm::app::GeneratePage</name>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Give the model the opening bars of a piece and let it continue. You hear the music while it is written, see it on the piano roll, and can export what you like as a MIDI file.</source>
        <translation>Geben Sie dem Modell die ersten Takte eines Stücks und lassen Sie es weiterspielen. Sie hören die Musik, während sie entsteht, sehen sie auf der Pianorolle und können exportieren, was Ihnen gefällt, als MIDI-Datei.</translation>
    </message>
    <message>
        <source>Model and prompt</source>
        <translation>Modell und Vorgabe</translation>
    </message>
    <message>
        <source>A trained model (.safetensors) or an RWKV-7 .pth file</source>
        <translation>Ein trainiertes Modell (.safetensors) oder eine RWKV-7-.pth-Datei</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>Optional: a MIDI file whose opening the model continues</source>
        <translation>Optional: eine MIDI-Datei, deren Anfang das Modell fortsetzt</translation>
    </message>
    <message>
        <source>How many bars of the prompt file to keep</source>
        <translation>Wie viele Takte der Vorgabedatei behalten werden</translation>
    </message>
    <message>
        <source>Bars:</source>
        <translation>Takte:</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>Vorgabe:</translation>
    </message>
    <message>
        <source> BPM</source>
        <translation> BPM</translation>
    </message>
    <message>
        <source>Without a prompt:</source>
        <translation>Ohne Vorgabe:</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Sampling</translation>
    </message>
    <message>
        <source>bars</source>
        <translation>Takte</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Length:</source>
        <translation>Länge:</translation>
    </message>
    <message>
        <source>Higher is more adventurous, 0 always takes the most likely note</source>
        <translation>Höher ist gewagter, 0 nimmt immer die wahrscheinlichste Note</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Temperatur:</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Top-k:</source>
        <translation>Top-k:</translation>
    </message>
    <message>
        <source>Top-p:</source>
        <translation>Top-p:</translation>
    </message>
    <message>
        <source>Makes recently played pitches less likely; the effect fades with distance</source>
        <translation>Macht kürzlich gespielte Tonhöhen unwahrscheinlicher; die Wirkung lässt mit dem Abstand nach</translation>
    </message>
    <message>
        <source>Repetition penalty:</source>
        <translation>Wiederholungsstrafe:</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>Neuer zufälliger Startwert</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <source>Variations:</source>
        <translation>Varianten:</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Let the model write more of the shown variation</source>
        <translation>Das Modell mehr von der angezeigten Variante schreiben lassen</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Go back to the piece before the last continuation</source>
        <translation>Zum Stück vor der letzten Fortsetzung zurückkehren</translation>
    </message>
    <message>
        <source>Export MIDI…</source>
        <translation>MIDI exportieren…</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Stop playback</source>
        <translation>Wiedergabe stoppen</translation>
    </message>
    <message>
        <source>Built-in piano</source>
        <translation>Eingebautes Klavier</translation>
    </message>
    <message>
        <source>Play while generating</source>
        <translation>Während des Erzeugens abspielen</translation>
    </message>
    <message>
        <source>Zoom (leftmost: the whole piece)</source>
        <translation>Zoom (ganz links: das ganze Stück)</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>Ausgabe:</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>Zoom:</translation>
    </message>
    <message>
        <source>Playback stopped: %1</source>
        <translation>Wiedergabe gestoppt: %1</translation>
    </message>
    <message>
        <source>Choose a model file first.</source>
        <translation>Wählen Sie zuerst eine Modelldatei.</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>Wird erzeugt…</translation>
    </message>
    <message>
        <source>Continuing…</source>
        <translation>Wird fortgesetzt…</translation>
    </message>
    <message numerus="yes">
        <source>Generating… %n token(s)</source>
        <translation>
            <numerusform>Wird erzeugt… %n Token</numerusform>
            <numerusform>Wird erzeugt… %n Token</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>Nichts rückgängig zu machen.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Erzeugen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Variation %1</source>
        <translation>Variante %1</translation>
    </message>
    <message>
        <source>Back to the previous piece.</source>
        <translation>Zurück zum vorherigen Stück.</translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n token(s).</source>
        <translation>
            <numerusform>Nach %n Token gestoppt.</numerusform>
            <numerusform>Nach %n Token gestoppt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Regenerate these bars</source>
        <translation>Diese Takte neu erzeugen</translation>
    </message>
    <message>
        <source>Regenerate the selected bars</source>
        <translation>Die ausgewählten Takte neu erzeugen</translation>
    </message>
    <message>
        <source>Select bars on the piano roll (Shift and drag), then let the model write them anew; the bars before and after stay as they are</source>
        <translation>Wählen Sie Takte auf der Pianorolle aus (Umschalttaste halten und ziehen), dann schreibt das Modell sie neu; die Takte davor und danach bleiben, wie sie sind</translation>
    </message>
    <message>
        <source>Regenerate bar %1</source>
        <translation>Takt %1 neu erzeugen</translation>
    </message>
    <message>
        <source>Regenerate bars %1–%2</source>
        <translation>Takte %1–%2 neu erzeugen</translation>
    </message>
    <message>
        <source>Select the bars to regenerate first: Shift and drag on the piano roll.</source>
        <translation>Wählen Sie zuerst die Takte aus, die neu erzeugt werden sollen: Umschalttaste halten und auf der Pianorolle ziehen.</translation>
    </message>
    <message>
        <source>Cannot regenerate these bars: %1</source>
        <translation>Diese Takte können nicht neu erzeugt werden: %1</translation>
    </message>
    <message>
        <source>Regenerating bar %1…</source>
        <translation>Takt %1 wird neu erzeugt…</translation>
    </message>
    <message>
        <source>Regenerating bars %1–%2…</source>
        <translation>Takte %1–%2 werden neu erzeugt…</translation>
    </message>
    <message>
        <source>Stopped: the bars were not regenerated.</source>
        <translation>Gestoppt: Die Takte wurden nicht neu erzeugt.</translation>
    </message>
    <message numerus="yes">
        <source>Bars %1–%2 regenerated: %n note(s) (seed %3). Undo brings the previous version back.</source>
        <translation>
            <numerusform>Takte %1–%2 neu erzeugt: %n Note (Startwert %3). „Rückgängig“ holt die vorige Fassung zurück.</numerusform>
            <numerusform>Takte %1–%2 neu erzeugt: %n Noten (Startwert %3). „Rückgängig“ holt die vorige Fassung zurück.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 bars, %2 notes, %3 tokens at %4 tokens/s (seed %5).</source>
        <translation>%1 Takte, %2 Noten, %3 Token mit %4 Token/s (Startwert %5).</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>Abspielen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Nothing to export yet.</source>
        <translation>Noch nichts zu exportieren.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 gespeichert.</translation>
    </message>
    <message>
        <source>Export MIDI</source>
        <translation>MIDI exportieren</translation>
    </message>
    <message>
        <source>MIDI files (*.mid)</source>
        <translation>MIDI-Dateien (*.mid)</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>Modell wählen</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth);;All files (*)</source>
        <translation>Modelle (*.safetensors *.pth);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose a prompt</source>
        <translation>Vorgabe wählen</translation>
    </message>
    <message>
        <source>MIDI files (*.mid *.midi);;All files (*)</source>
        <translation>MIDI-Dateien (*.mid *.midi);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>A piece of the open dataset as the prompt. Validation pieces are music the model has not trained on.</source>
        <translation>Ein Stück des geöffneten Datensatzes als Vorgabe. Validierungsstücke sind Musik, mit der das Modell nicht trainiert wurde.</translation>
    </message>
    <message>
        <source>From the dataset:</source>
        <translation>Aus dem Datensatz:</translation>
    </message>
    <message>
        <source>No dataset is open</source>
        <translation>Kein Datensatz geöffnet</translation>
    </message>
    <message>
        <source>Choose a piece…</source>
        <translation>Stück wählen…</translation>
    </message>
    <message>
        <source>%1 (validation)</source>
        <translation>%1 (Validierung)</translation>
    </message>
    <message>
        <source>Demo: building a dataset from the bundled pieces…</source>
        <translation>Demo: Datensatz aus den mitgelieferten Stücken wird erstellt…</translation>
    </message>
    <message>
        <source>Demo: training a small model, step %1 of at most %2 (%3)…</source>
        <translation>Demo: Ein kleines Modell wird trainiert, Schritt %1 von höchstens %2 (%3)…</translation>
    </message>
    <message>
        <source>Demo: the model is writing bar %1 of %2…</source>
        <translation>Demo: Das Modell schreibt Takt %1 von %2…</translation>
    </message>
    <message>
        <source>Demo: %1 failed: %2</source>
        <translation>Demo: %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Demo: dataset ready; training starts…</source>
        <translation>Demo: Datensatz fertig; das Training beginnt…</translation>
    </message>
    <message>
        <source>The demo was stopped.</source>
        <translation>Die Demo wurde angehalten.</translation>
    </message>
    <message>
        <source>The demo failed: %1</source>
        <translation>Die Demo ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Demo finished in %1 s: the model trained for %2 s. Its continuation is in orange after the prompt; press Play to listen. Saved as %3.</source>
        <translation>Demo nach %1 s fertig: Das Modell wurde %2 s lang trainiert. Seine Fortsetzung steht in Orange hinter der Vorgabe; zum Anhören auf Abspielen drücken. Gespeichert als %3.</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>Modelldatei</translation>
    </message>
    <message>
        <source>Browse for a model</source>
        <translation>Nach einem Modell suchen</translation>
    </message>
    <message>
        <source>Prompt file</source>
        <translation>Vorgabedatei</translation>
    </message>
    <message>
        <source>Browse for a prompt</source>
        <translation>Nach einer Vorgabe suchen</translation>
    </message>
    <message>
        <source>Prompt bars to keep</source>
        <translation>Zu behaltende Takte der Vorgabe</translation>
    </message>
    <message>
        <source>Prompt from the dataset</source>
        <translation>Vorgabe aus dem Datensatz</translation>
    </message>
    <message>
        <source>Metre without a prompt</source>
        <translation>Taktart ohne Vorgabe</translation>
    </message>
    <message>
        <source>Tempo without a prompt</source>
        <translation>Tempo ohne Vorgabe</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Länge</translation>
    </message>
    <message>
        <source>Length unit</source>
        <translation>Längeneinheit</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>Wiederholungsstrafe</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <source>Number of variations</source>
        <translation>Anzahl der Varianten</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>Erzeugen stoppen</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Variation shown</source>
        <translation>Angezeigte Variante</translation>
    </message>
    <message>
        <source>Piano roll</source>
        <translation>Pianorolle</translation>
    </message>
    <message>
        <source>The prompt&apos;s notes and the model&apos;s continuation; click to choose where playback starts</source>
        <translation>Die Noten der Vorgabe und die Fortsetzung des Modells; klicken Sie, um zu wählen, wo die Wiedergabe beginnt</translation>
    </message>
    <message>
        <source>Generation status</source>
        <translation>Status der Erzeugung</translation>
    </message>
    <message>
        <source>The model from step %1 of the training run is ready: press Generate to hear it. Training goes on meanwhile.</source>
        <translation>Das Modell aus Schritt %1 des Trainingslaufs ist bereit: Drücken Sie auf Erzeugen, um es anzuhören. Das Training läuft währenddessen weiter.</translation>
    </message>
    <message>
        <source>The run&apos;s model is ready: press Generate to hear it.</source>
        <translation>Das Modell des Laufs ist bereit: Drücken Sie auf Erzeugen, um es anzuhören.</translation>
    </message>
    <message>
        <source>%1 could not be opened; playing on the built-in piano.</source>
        <translation>%1 konnte nicht geöffnet werden; die Wiedergabe erfolgt auf dem eingebauten Klavier.</translation>
    </message>
    <message>
        <source>The generated part</source>
        <translation>Der erzeugte Teil</translation>
    </message>
    <message>
        <source>The whole piece</source>
        <translation>Das ganze Stück</translation>
    </message>
    <message>
        <source>Copy warning</source>
        <translation>Kopierwarnung</translation>
    </message>
    <message>
        <source>Not checked for copies of the dataset&apos;s pieces: %1</source>
        <translation>Nicht auf Kopien aus den Stücken des Datensatzes geprüft: %1</translation>
    </message>
    <message>
        <source>This continuation copies your music: %1.</source>
        <translation>Diese Fortsetzung kopiert Ihre Musik: %1.</translation>
    </message>
    <message>
        <source>%1 % of its bars occur note for note in the training pieces.</source>
        <translation>%1 % ihrer Takte kommen Note für Note in den Trainingsstücken vor.</translation>
    </message>
</context>
<context>
    <name>pm::app::JamPage</name>
    <message>
        <source>no MIDI input ports: connect a MIDI keyboard (USB, or through a MIDI interface) and list the ports again, or let another program play into PianoMuse&apos;s virtual input &quot;PianoMuse in&quot;</source>
        <translation>keine MIDI-Eingänge: Schließen Sie ein MIDI-Keyboard an (per USB oder über ein MIDI-Interface) und lassen Sie die Ports neu auflisten, oder lassen Sie ein anderes Programm in den virtuellen Eingang „PianoMuse in“ von PianoMuse spielen</translation>
    </message>
    <message>
        <source>Jam</source>
        <translation>Jam</translation>
    </message>
    <message>
        <source>Play on your MIDI keyboard and the model answers: when you pause (or press the pedal or key you chose, or Space here), it plays a few bars in your tempo and metre. Play again and it stops at once.</source>
        <translation>Spielen Sie auf Ihrem MIDI-Keyboard, und das Modell antwortet: Wenn Sie innehalten (oder das gewählte Pedal bzw. die gewählte Taste drücken oder hier die Leertaste), spielt es ein paar Takte in Ihrem Tempo und Takt. Spielen Sie weiter, verstummt es sofort.</translation>
    </message>
    <message>
        <source>MIDI</source>
        <translation>MIDI</translation>
    </message>
    <message>
        <source>MIDI input</source>
        <translation>MIDI-Eingang</translation>
    </message>
    <message>
        <source>The keyboard you play (or another program&apos;s output)</source>
        <translation>Das Keyboard, auf dem Sie spielen (oder die Ausgabe eines anderen Programms)</translation>
    </message>
    <message>
        <source>&amp;Input:</source>
        <translation>&amp;Eingang:</translation>
    </message>
    <message>
        <source>MIDI output for the answers</source>
        <translation>MIDI-Ausgang für die Antworten</translation>
    </message>
    <message>
        <source>Built-in piano</source>
        <translation>Eingebautes Klavier</translation>
    </message>
    <message>
        <source>&amp;Output:</source>
        <translation>&amp;Ausgang:</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>List the MIDI ports again</source>
        <translation>MIDI-Ports neu auflisten</translation>
    </message>
    <message>
        <source>Looking for MIDI inputs…</source>
        <translation>MIDI-Eingänge werden gesucht…</translation>
    </message>
    <message>
        <source>MIDI input status</source>
        <translation>Status der MIDI-Eingänge</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>Modelldatei</translation>
    </message>
    <message>
        <source>A trained model (.safetensors) or an RWKV-7 .pth file</source>
        <translation>Ein trainiertes Modell (.safetensors) oder eine RWKV-7-.pth-Datei</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Browse for a model</source>
        <translation>Nach einem Modell suchen</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <source> BPM</source>
        <translation> BPM</translation>
    </message>
    <message>
        <source>Tempo</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>Your tempo: the model hears your notes on this grid and answers in it</source>
        <translation>Ihr Tempo: Das Modell hört Ihre Noten in diesem Raster und antwortet darin</translation>
    </message>
    <message>
        <source>Metre</source>
        <translation>Takt</translation>
    </message>
    <message>
        <source>M&amp;etre:</source>
        <translation>&amp;Takt:</translation>
    </message>
    <message>
        <source>&amp;Tempo:</source>
        <translation>Tem&amp;po:</translation>
    </message>
    <message>
        <source>a silence of</source>
        <translation>einer Pause von</translation>
    </message>
    <message>
        <source>a pedal or switch (controller)</source>
        <translation>einem Pedal oder Schalter (Controller)</translation>
    </message>
    <message>
        <source>a key (not played as music)</source>
        <translation>einer Taste (nicht als Musik gespielt)</translation>
    </message>
    <message>
        <source>Hand over after</source>
        <translation>Übergabe nach</translation>
    </message>
    <message>
        <source>Silence length, controller or key number</source>
        <translation>Pausenlänge, Controller- oder Tastennummer</translation>
    </message>
    <message>
        <source>&amp;Hand over after:</source>
        <translation>Ü&amp;bergabe nach:</translation>
    </message>
    <message>
        <source> bars</source>
        <translation> Takte</translation>
    </message>
    <message>
        <source>Bars to answer</source>
        <translation>Takte der Antwort</translation>
    </message>
    <message>
        <source>Seed of the first answer</source>
        <translation>Startwert der ersten Antwort</translation>
    </message>
    <message>
        <source>Each answer takes the next seed; Answer again too</source>
        <translation>Jede Antwort nimmt den nächsten Startwert, auch „Neu antworten“</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>&amp;Startwert:</translation>
    </message>
    <message>
        <source>&amp;Answer with:</source>
        <translation>&amp;Antwort:</translation>
    </message>
    <message>
        <source>Start jam</source>
        <translation>Jam starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Stop the jam</source>
        <translation>Jam beenden</translation>
    </message>
    <message>
        <source>Hand over (Space)</source>
        <translation>Übergeben (Leertaste)</translation>
    </message>
    <message>
        <source>Hand over to the model</source>
        <translation>An das Modell übergeben</translation>
    </message>
    <message>
        <source>The model answers now (Space in this window does the same)</source>
        <translation>Das Modell antwortet jetzt (die Leertaste in diesem Fenster tut dasselbe)</translation>
    </message>
    <message>
        <source>Undo answer</source>
        <translation>Antwort zurücknehmen</translation>
    </message>
    <message>
        <source>Undo the last answer</source>
        <translation>Die letzte Antwort zurücknehmen</translation>
    </message>
    <message>
        <source>Take the model&apos;s last answer back (before you play again)</source>
        <translation>Die letzte Antwort des Modells zurücknehmen (bevor Sie weiterspielen)</translation>
    </message>
    <message>
        <source>Answer again</source>
        <translation>Neu antworten</translation>
    </message>
    <message>
        <source>Answer again with another seed</source>
        <translation>Mit einem anderen Startwert neu antworten</translation>
    </message>
    <message>
        <source>Replace the model&apos;s last answer with a new one (before you play again)</source>
        <translation>Die letzte Antwort des Modells durch eine neue ersetzen (bevor Sie weiterspielen)</translation>
    </message>
    <message>
        <source>Export jam…</source>
        <translation>Jam exportieren…</translation>
    </message>
    <message>
        <source>Export the jam as MIDI</source>
        <translation>Die Jam als MIDI exportieren</translation>
    </message>
    <message>
        <source>You and the model on two tracks of one MIDI file</source>
        <translation>Sie und das Modell auf zwei Spuren einer MIDI-Datei</translation>
    </message>
    <message>
        <source>Jam piano roll</source>
        <translation>Jam-Pianorolle</translation>
    </message>
    <message>
        <source>Your notes in green and the model&apos;s answers in orange, drawn as they sound</source>
        <translation>Ihre Noten in Grün und die Antworten des Modells in Orange, gezeichnet, während sie erklingen</translation>
    </message>
    <message>
        <source>Green: you. Orange: the model.</source>
        <translation>Grün: Sie. Orange: das Modell.</translation>
    </message>
    <message>
        <source>The model&apos;s answers</source>
        <translation>Die Antworten des Modells</translation>
    </message>
    <message>
        <source>The whole jam</source>
        <translation>Die ganze Jam</translation>
    </message>
    <message>
        <source>Jam status</source>
        <translation>Jam-Status</translation>
    </message>
    <message>
        <source>Virtual ports (PianoMuse in/out)</source>
        <translation>Virtuelle Ports (PianoMuse in/out)</translation>
    </message>
    <message>
        <source>This build has no MIDI support, so no keyboard can be heard.</source>
        <translation>Diese Version hat keine MIDI-Unterstützung, daher kann kein Keyboard gehört werden.</translation>
    </message>
    <message>
        <source>No ALSA MIDI sequencer on this system (/dev/snd/seq), so no keyboard can be heard.</source>
        <translation>Kein ALSA-MIDI-Sequencer auf diesem System (/dev/snd/seq), daher kann kein Keyboard gehört werden.</translation>
    </message>
    <message>
        <source>No usable MIDI system was found.</source>
        <translation>Es wurde kein nutzbares MIDI-System gefunden.</translation>
    </message>
    <message>
        <source>The MIDI system reported an error: %1</source>
        <translation>Das MIDI-System meldete einen Fehler: %1</translation>
    </message>
    <message>
        <source>No MIDI input</source>
        <translation>Kein MIDI-Eingang</translation>
    </message>
    <message>
        <source>Jam needs something to play from. %1</source>
        <translation>Für eine Jam braucht es etwas, auf dem Sie spielen. %1</translation>
    </message>
    <message>
        <source>Virtual ports are not available here either: %1</source>
        <translation>Virtuelle Ports gibt es hier auch nicht: %1</translation>
    </message>
    <message>
        <source>&quot;Virtual ports&quot; makes &quot;PianoMuse in&quot; and &quot;PianoMuse out&quot; for a DAW or another program: play into the first, record the answers from the second.</source>
        <translation>„Virtuelle Ports“ legt „PianoMuse in“ und „PianoMuse out“ für eine DAW oder ein anderes Programm an: Spielen Sie in den ersten, nehmen Sie die Antworten vom zweiten auf.</translation>
    </message>
    <message>
        <source>Virtual port (PianoMuse out)</source>
        <translation>Virtueller Port (PianoMuse out)</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>CC </source>
        <translation>CC </translation>
    </message>
    <message>
        <source>key </source>
        <translation>Taste </translation>
    </message>
    <message>
        <source>Choose a model file first.</source>
        <translation>Wählen Sie zuerst eine Modelldatei.</translation>
    </message>
    <message>
        <source>Opening the ports and loading the model…</source>
        <translation>Ports werden geöffnet und das Modell wird geladen…</translation>
    </message>
    <message>
        <source>Jamming: play on %1; the model answers on %2 (%3). Stop ends the jam.</source>
        <translation>Jam läuft: Spielen Sie auf %1; das Modell antwortet auf %2 (%3). „Stopp“ beendet die Jam.</translation>
    </message>
    <message>
        <source>The model answers…</source>
        <translation>Das Modell antwortet…</translation>
    </message>
    <message>
        <source>Your turn.</source>
        <translation>Sie sind dran.</translation>
    </message>
    <message>
        <source>The answer was taken back. Your turn.</source>
        <translation>Die Antwort wurde zurückgenommen. Sie sind dran.</translation>
    </message>
    <message>
        <source>Answering again…</source>
        <translation>Neue Antwort…</translation>
    </message>
    <message>
        <source>There is no answer to take back: an answer can be undone or replaced until you play again.</source>
        <translation>Es gibt keine Antwort zum Zurücknehmen: Eine Antwort lässt sich zurücknehmen oder ersetzen, bis Sie weiterspielen.</translation>
    </message>
    <message>
        <source>The MIDI input went away (%1). The jam stopped; nothing keeps sounding, and its recording is kept: Export jam… saves it.</source>
        <translation>Der MIDI-Eingang ist verschwunden (%1). Die Jam wurde beendet; nichts klingt weiter, und ihre Aufnahme bleibt erhalten: „Jam exportieren…“ speichert sie.</translation>
    </message>
    <message>
        <source>The MIDI output stopped taking notes (%1). The jam stopped; its recording is kept: Export jam… saves it.</source>
        <translation>Der MIDI-Ausgang nimmt keine Noten mehr an (%1). Die Jam wurde beendet; ihre Aufnahme bleibt erhalten: „Jam exportieren…“ speichert sie.</translation>
    </message>
    <message>
        <source>The jam was stopped.</source>
        <translation>Die Jam wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The jam could not start: %1</source>
        <translation>Die Jam konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Saved %1 (you on track 1, the model on track 2).</source>
        <translation>%1 gespeichert (Sie auf Spur 1, das Modell auf Spur 2).</translation>
    </message>
    <message>
        <source>Nothing to export yet: start a jam first.</source>
        <translation>Noch nichts zu exportieren: Starten Sie zuerst eine Jam.</translation>
    </message>
    <message>
        <source>Export jam</source>
        <translation>Jam exportieren</translation>
    </message>
    <message>
        <source>MIDI files (*.mid)</source>
        <translation>MIDI-Dateien (*.mid)</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>Modell wählen</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth);;All files (*)</source>
        <translation>Modelle (*.safetensors *.pth);;Alle Dateien (*)</translation>
    </message>
    <message numerus="yes">
        <source>The jam ended after %n answer(s); each first note came %1 ms after the handover (median). Export jam… saves it.</source>
        <translation>
            <numerusform>Die Jam endete nach %n Antwort; die erste Note kam jeweils %1 ms nach der Übergabe (Median). „Jam exportieren…“ speichert sie.</numerusform>
            <numerusform>Die Jam endete nach %n Antworten; die erste Note kam jeweils %1 ms nach der Übergabe (Median). „Jam exportieren…“ speichert sie.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The jam ended after %n answer(s). Export jam… saves it.</source>
        <translation>
            <numerusform>Die Jam endete nach %n Antwort. „Jam exportieren…“ speichert sie.</numerusform>
            <numerusform>Die Jam endete nach %n Antworten. „Jam exportieren…“ speichert sie.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pm::app::MainWindow</name>
    <message>
        <source>PianoMuse</source>
        <translation>PianoMuse</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Extras</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About PianoMuse</source>
        <translation>&amp;Über PianoMuse</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Device: detecting…</source>
        <translation>Gerät: wird erkannt…</translation>
    </message>
    <message>
        <source>Slow BLAS: install libopenblas0-pthread</source>
        <translation>Langsames BLAS: bitte libopenblas0-pthread installieren</translation>
    </message>
    <message>
        <source>Matrix products run on the reference BLAS, about 20 times slower than OpenBLAS. Training will be very slow.
%1</source>
        <translation>Matrixprodukte laufen auf dem Referenz-BLAS, etwa 20-mal langsamer als OpenBLAS. Das Training wird sehr langsam sein.
%1</translation>
    </message>
    <message>
        <source>BLAS: %1</source>
        <translation>BLAS: %1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source> — %1 is not available</source>
        <translation> – %1 ist nicht verfügbar</translation>
    </message>
    <message>
        <source>Device: CPU, %1 threads</source>
        <translation>Gerät: CPU, %1 Threads</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Seiten</translation>
    </message>
    <message>
        <source>Current page</source>
        <translation>Aktuelle Seite</translation>
    </message>
    <message>
        <source>Matrix library</source>
        <translation>Matrixbibliothek</translation>
    </message>
    <message>
        <source>Compute device</source>
        <translation>Rechengerät</translation>
    </message>
    <message>
        <source>Running jobs</source>
        <translation>Laufende Aufgaben</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Planning the training</source>
        <translation>Training planen</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Undoing</source>
        <translation>Rückgängig machen</translation>
    </message>
    <message>
        <source>Building the dataset</source>
        <translation>Datensatz erstellen</translation>
    </message>
    <message>
        <source>Opening a dataset</source>
        <translation>Datensatz öffnen</translation>
    </message>
    <message>
        <source>Reading a preview</source>
        <translation>Vorschau lesen</translation>
    </message>
    <message>
        <source>Measuring speed</source>
        <translation>Geschwindigkeit messen</translation>
    </message>
    <message>
        <source>Looking at this computer</source>
        <translation>Diesen Computer untersuchen</translation>
    </message>
    <message>
        <source>Listing MIDI ports</source>
        <translation>MIDI-Ports auflisten</translation>
    </message>
    <message>
        <source>Running: %1</source>
        <translation>Läuft: %1</translation>
    </message>
    <message>
        <source>Nothing is running</source>
        <translation>Es läuft nichts</translation>
    </message>
    <message>
        <source>Jam</source>
        <translation>Jam</translation>
    </message>
    <message>
        <source>Listing MIDI inputs</source>
        <translation>MIDI-Eingänge werden aufgelistet</translation>
    </message>
    <message>
        <source>Jamming</source>
        <translation>Jam läuft</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <source>Making a report</source>
        <translation>Bericht wird erstellt</translation>
    </message>
</context>
<context>
    <name>pm::app::PassageDragBar</name>
    <message>
        <source>The selection (Shift-drag on the roll)</source>
        <translation>Die Auswahl (Umschalt-Ziehen auf der Rolle)</translation>
    </message>
    <message>
        <source>Passage to drag out</source>
        <translation>Herauszuziehender Abschnitt</translation>
    </message>
    <message>
        <source>&amp;Drag out as MIDI:</source>
        <translation>Als MIDI &amp;herausziehen:</translation>
    </message>
    <message>
        <source>Drag me</source>
        <translation>Ziehen</translation>
    </message>
    <message>
        <source>Drag the passage out as a MIDI file</source>
        <translation>Den Abschnitt als MIDI-Datei herausziehen</translation>
    </message>
    <message>
        <source>Drag this into a DAW&apos;s track or a folder: the chosen passage arrives as a .mid file. On the roll, Shift-drag selects a stretch and dragging the selection carries it out too.</source>
        <translation>Ziehen Sie dies in eine DAW-Spur oder einen Ordner: Der gewählte Abschnitt kommt als .mid-Datei an. Auf der Rolle wählt Umschalt-Ziehen einen Bereich aus, und das Ziehen der Auswahl trägt sie ebenfalls hinaus.</translation>
    </message>
</context>
<context>
    <name>pm::app::PianoRollWidget</name>
    <message>
        <source>Select a stretch of the roll first (Shift and drag).</source>
        <translation>Wählen Sie zuerst einen Bereich der Rolle aus (Umschalt und ziehen).</translation>
    </message>
    <message>
        <source>There are no notes to drag yet.</source>
        <translation>Es gibt noch keine Noten zum Ziehen.</translation>
    </message>
    <message>
        <source>PianoMuse part</source>
        <translation>PianoMuse-Teil</translation>
    </message>
    <message>
        <source>PianoMuse selection</source>
        <translation>PianoMuse-Auswahl</translation>
    </message>
    <message>
        <source>PianoMuse</source>
        <translation>PianoMuse</translation>
    </message>
</context>
<context>
    <name>pm::app::ReportCharts</name>
    <message>
        <source>Overlap with your music</source>
        <translation>Überlappung mit Ihrer Musik</translation>
    </message>
    <message>
        <source>Distance from your music</source>
        <translation>Abstand von Ihrer Musik</translation>
    </message>
    <message>
        <source>Share of notes</source>
        <translation>Anteil der Noten</translation>
    </message>
    <message>
        <source>Your music</source>
        <translation>Ihre Musik</translation>
    </message>
</context>
<context>
    <name>pm::app::ReportPage</name>
    <message>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <source>Did fine-tuning learn your style, is the music still musical, and is the model copying your pieces? The report lets both models continue the same openings of your validation pieces and compares what they write with how your pieces really go on. It takes a few minutes of CPU time.</source>
        <translation>Hat das Feintuning Ihren Stil gelernt, ist die Musik noch musikalisch, und kopiert das Modell Ihre Stücke? Der Bericht lässt beide Modelle dieselben Anfänge Ihrer Validierungsstücke fortsetzen und vergleicht, was sie schreiben, mit dem, wie Ihre Stücke wirklich weitergehen. Er braucht einige Minuten Rechenzeit.</translation>
    </message>
    <message>
        <source>Report sections</source>
        <translation>Abschnitte des Berichts</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>Merkmale</translation>
    </message>
    <message>
        <source>Histograms</source>
        <translation>Histogramme</translation>
    </message>
    <message>
        <source>Continuations</source>
        <translation>Fortsetzungen</translation>
    </message>
    <message>
        <source>Playback stopped: %1</source>
        <translation>Wiedergabe angehalten: %1</translation>
    </message>
    <message>
        <source>What to compare</source>
        <translation>Was verglichen wird</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Model A</source>
        <translation>Modell A</translation>
    </message>
    <message>
        <source>The fine-tuned model (a run&apos;s model-best.safetensors)</source>
        <translation>Das feinabgestimmte Modell (model-best.safetensors eines Laufs)</translation>
    </message>
    <message>
        <source>Model A:</source>
        <translation>Modell A:</translation>
    </message>
    <message>
        <source>Browse for model A</source>
        <translation>Modell A suchen</translation>
    </message>
    <message>
        <source>Model B</source>
        <translation>Modell B</translation>
    </message>
    <message>
        <source>Optional: a model to compare with (empty: model A alone)</source>
        <translation>Optional: ein Modell zum Vergleich (leer: nur Modell A)</translation>
    </message>
    <message>
        <source>Model B:</source>
        <translation>Modell B:</translation>
    </message>
    <message>
        <source>Browse for model B</source>
        <translation>Modell B suchen</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>The dataset whose validation pieces the models continue</source>
        <translation>Der Datensatz, dessen Validierungsstücke die Modelle fortsetzen</translation>
    </message>
    <message>
        <source>Dataset:</source>
        <translation>Datensatz:</translation>
    </message>
    <message>
        <source>Browse for a dataset</source>
        <translation>Datensatz suchen</translation>
    </message>
    <message>
        <source>Continuations per model</source>
        <translation>Fortsetzungen pro Modell</translation>
    </message>
    <message>
        <source>More continuations measure more reliably and take longer</source>
        <translation>Mehr Fortsetzungen messen zuverlässiger und dauern länger</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Chooses the openings and the sampling; both models get the same</source>
        <translation>Wählt die Anfänge und die Stichproben; beide Modelle erhalten dieselben</translation>
    </message>
    <message>
        <source>Opening bars</source>
        <translation>Takte des Anfangs</translation>
    </message>
    <message>
        <source>Bars to write</source>
        <translation>Zu schreibende Takte</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Validation windows scored</source>
        <translation>Bewertete Validierungsfenster</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>How many validation windows bits per note is measured on (fewer is faster)</source>
        <translation>Auf wie vielen Validierungsfenstern Bits pro Note gemessen werden (weniger ist schneller)</translation>
    </message>
    <message>
        <source>Continuations:</source>
        <translation>Fortsetzungen:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <source>Opening bars:</source>
        <translation>Takte des Anfangs:</translation>
    </message>
    <message>
        <source>Bars to write:</source>
        <translation>Zu schreibende Takte:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Temperatur:</translation>
    </message>
    <message>
        <source>Windows scored:</source>
        <translation>Bewertete Fenster:</translation>
    </message>
    <message>
        <source>Make the report</source>
        <translation>Bericht erstellen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the report</source>
        <translation>Bericht abbrechen</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>Bericht speichern</translation>
    </message>
    <message>
        <source>Saves the report as JSON and its charts as PNG images</source>
        <translation>Speichert den Bericht als JSON und seine Diagramme als PNG-Bilder</translation>
    </message>
    <message>
        <source>Report progress</source>
        <translation>Fortschritt des Berichts</translation>
    </message>
    <message>
        <source>Report status</source>
        <translation>Status des Berichts</translation>
    </message>
    <message>
        <source>Bits per note on your validation pieces (lower: the model predicts your music better)</source>
        <translation>Bits pro Note auf Ihren Validierungsstücken (niedriger: das Modell sagt Ihre Musik besser vorher)</translation>
    </message>
    <message>
        <source>Bits per note and copies per model</source>
        <translation>Bits pro Note und Kopien pro Modell</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Bits per note</source>
        <translation>Bits pro Note</translation>
    </message>
    <message>
        <source>Unigram baseline</source>
        <translation>Unigramm-Basislinie</translation>
    </message>
    <message>
        <source>Notes scored</source>
        <translation>Bewertete Noten</translation>
    </message>
    <message>
        <source>Continuations that copy</source>
        <translation>Fortsetzungen, die kopieren</translation>
    </message>
    <message>
        <source>Bars found in training</source>
        <translation>Takte aus dem Training</translation>
    </message>
    <message>
        <source>What a model that knows only how often each token occurs would need</source>
        <translation>Was ein Modell bräuchte, das nur weiß, wie oft jedes Token vorkommt</translation>
    </message>
    <message>
        <source>Report summary</source>
        <translation>Zusammenfassung des Berichts</translation>
    </message>
    <message>
        <source>Notes on the report</source>
        <translation>Hinweise zum Bericht</translation>
    </message>
    <message>
        <source>Overlap with your music per feature</source>
        <translation>Überlappung mit Ihrer Musik pro Merkmal</translation>
    </message>
    <message>
        <source>How well each model&apos;s continuations sit among your pieces&apos; own continuations, feature by feature: 1 = as well as your pieces sit among each other, 0 = elsewhere</source>
        <translation>Wie gut die Fortsetzungen jedes Modells zwischen den echten Fortsetzungen Ihrer Stücke liegen, Merkmal für Merkmal: 1 = so gut wie Ihre Stücke untereinander, 0 = woanders</translation>
    </message>
    <message>
        <source>Histogram distance from your music</source>
        <translation>Histogrammabstand von Ihrer Musik</translation>
    </message>
    <message>
        <source>Jensen-Shannon distance between each model&apos;s mean histogram and your music&apos;s: 0 = the same, 1 = nothing in common</source>
        <translation>Jensen-Shannon-Abstand zwischen dem mittleren Histogramm jedes Modells und dem Ihrer Musik: 0 = gleich, 1 = nichts gemeinsam</translation>
    </message>
    <message>
        <source>Features of your music and of each model&apos;s continuations</source>
        <translation>Merkmale Ihrer Musik und der Fortsetzungen jedes Modells</translation>
    </message>
    <message>
        <source>Histogram:</source>
        <translation>Histogramm:</translation>
    </message>
    <message>
        <source>Histogram shown</source>
        <translation>Angezeigtes Histogramm</translation>
    </message>
    <message>
        <source>Histogram of your music and of each model&apos;s continuations</source>
        <translation>Histogramm Ihrer Musik und der Fortsetzungen jedes Modells</translation>
    </message>
    <message>
        <source>Continuation</source>
        <translation>Fortsetzung</translation>
    </message>
    <message>
        <source>Opening from</source>
        <translation>Anfang aus</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopie</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Play the continuation</source>
        <translation>Fortsetzung abspielen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Stop playback</source>
        <translation>Wiedergabe stoppen</translation>
    </message>
    <message>
        <source>Playback status</source>
        <translation>Wiedergabestatus</translation>
    </message>
    <message>
        <source>Choose model A and a dataset first.</source>
        <translation>Wählen Sie zuerst Modell A und einen Datensatz.</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>Bericht wird erstellt…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 von %3</translation>
    </message>
    <message>
        <source>The report was cancelled.</source>
        <translation>Der Bericht wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The report failed: %1</source>
        <translation>Der Bericht ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Report made in %1 s.</source>
        <translation>Bericht in %1 s erstellt.</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>%n opening(s) of your validation pieces (%1 in the dataset), %2 bars each, continued for %3 bars.</source>
        <translation>
            <numerusform>%n Anfang Ihrer Validierungsstücke (%1 im Datensatz), je %2 Takte, um %3 Takte fortgesetzt.</numerusform>
            <numerusform>%n Anfänge Ihrer Validierungsstücke (%1 im Datensatz), je %2 Takte, um %3 Takte fortgesetzt.</numerusform>
        </translation>
    </message>
    <message>
        <source>A predicts your music better than B, by %1 bits per note.</source>
        <translation>A sagt Ihre Musik besser vorher als B, um %1 Bits pro Note.</translation>
    </message>
    <message>
        <source>A does not predict your music better than B (%1 bits per note more).</source>
        <translation>A sagt Ihre Musik nicht besser vorher als B (%1 Bits pro Note mehr).</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>Hinweise:</translation>
    </message>
    <message>
        <source>Feature</source>
        <translation>Merkmal</translation>
    </message>
    <message>
        <source>Your music</source>
        <translation>Ihre Musik</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 ± %2</source>
        <translation>%1 ± %2</translation>
    </message>
    <message>
        <source>%1 ± %2, overlap %3</source>
        <translation>%1 ± %2, Überlappung %3</translation>
    </message>
    <message>
        <source>%1 ± %2, overlap not measured</source>
        <translation>%1 ± %2, Überlappung nicht gemessen</translation>
    </message>
    <message>
        <source>distance %1</source>
        <translation>Abstand %1</translation>
    </message>
    <message>
        <source>distance not measured</source>
        <translation>Abstand nicht gemessen</translation>
    </message>
    <message>
        <source>%1, bar %2</source>
        <translation>%1, Takt %2</translation>
    </message>
    <message>
        <source>Your music (how the pieces go on)</source>
        <translation>Ihre Musik (wie die Stücke weitergehen)</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>Anfang %1</translation>
    </message>
    <message>
        <source>Continuation %1</source>
        <translation>Fortsetzung %1</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>Abspielen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Playing.</source>
        <translation>Wird abgespielt.</translation>
    </message>
    <message>
        <source>Playing on the built-in piano: %1 could not be opened.</source>
        <translation>Wiedergabe auf dem eingebauten Klavier: %1 konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>Choose a continuation to play.</source>
        <translation>Wählen Sie eine Fortsetzung zum Abspielen.</translation>
    </message>
    <message>
        <source>There is no report to save yet.</source>
        <translation>Es gibt noch keinen Bericht zum Speichern.</translation>
    </message>
    <message>
        <source>Cannot save the report to %1: %2</source>
        <translation>Der Bericht kann nicht unter %1 gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Cannot write the chart %1.</source>
        <translation>Das Diagramm %1 kann nicht geschrieben werden.</translation>
    </message>
    <message numerus="yes">
        <source>Saved the report and %n chart(s) beside %1.</source>
        <translation>
            <numerusform>Bericht und %n Diagramm unter %1 gespeichert.</numerusform>
            <numerusform>Bericht und %n Diagramme unter %1 gespeichert.</numerusform>
        </translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>Modell wählen</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth);;All files (*)</source>
        <translation>Modelle (*.safetensors *.pth);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose a dataset</source>
        <translation>Datensatz wählen</translation>
    </message>
</context>
<context>
    <name>pm::app::ReportText</name>
    <message>
        <source>Notes per bar</source>
        <translation>Noten pro Takt</translation>
    </message>
    <message>
        <source>Polyphony (mean notes sounding)</source>
        <translation>Polyphonie (mittlere Zahl klingender Noten)</translation>
    </message>
    <message>
        <source>Time with ≥ 2 notes sounding</source>
        <translation>Zeit mit ≥ 2 klingenden Noten</translation>
    </message>
    <message>
        <source>Time with ≥ 3 notes sounding</source>
        <translation>Zeit mit ≥ 3 klingenden Noten</translation>
    </message>
    <message>
        <source>Mean pitch</source>
        <translation>Mittlere Tonhöhe</translation>
    </message>
    <message>
        <source>Pitch span</source>
        <translation>Tonumfang</translation>
    </message>
    <message>
        <source>Pitch-class entropy</source>
        <translation>Tonklassen-Entropie</translation>
    </message>
    <message>
        <source>Scale consistency</source>
        <translation>Tonleitertreue</translation>
    </message>
    <message>
        <source>Empty beats</source>
        <translation>Leere Schläge</translation>
    </message>
    <message>
        <source>Groove consistency</source>
        <translation>Groove-Konstanz</translation>
    </message>
    <message>
        <source>Pitch classes</source>
        <translation>Tonklassen</translation>
    </message>
    <message>
        <source>Note durations</source>
        <translation>Notendauern</translation>
    </message>
    <message>
        <source>Inter-onset intervals</source>
        <translation>Einsatzabstände</translation>
    </message>
    <message>
        <source>Velocities</source>
        <translation>Anschlagstärken</translation>
    </message>
    <message>
        <source>notes</source>
        <translation>Noten</translation>
    </message>
    <message>
        <source>share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>MIDI pitch</source>
        <translation>MIDI-Tonhöhe</translation>
    </message>
    <message>
        <source>semitones</source>
        <translation>Halbtöne</translation>
    </message>
    <message>
        <source>bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <source>similarity</source>
        <translation>Ähnlichkeit</translation>
    </message>
    <message>
        <source>32nd</source>
        <translation>Zweiunddreißigstel</translation>
    </message>
    <message>
        <source>16th</source>
        <translation>Sechzehntel</translation>
    </message>
    <message>
        <source>triplet 8th</source>
        <translation>Achteltriole</translation>
    </message>
    <message>
        <source>8th</source>
        <translation>Achtel</translation>
    </message>
    <message>
        <source>dotted 8th</source>
        <translation>punktierte Achtel</translation>
    </message>
    <message>
        <source>quarter</source>
        <translation>Viertel</translation>
    </message>
    <message>
        <source>dotted quarter</source>
        <translation>punktierte Viertel</translation>
    </message>
    <message>
        <source>half</source>
        <translation>Halbe</translation>
    </message>
    <message>
        <source>dotted half</source>
        <translation>punktierte Halbe</translation>
    </message>
    <message>
        <source>whole</source>
        <translation>Ganze</translation>
    </message>
    <message>
        <source>longer</source>
        <translation>länger</translation>
    </message>
    <message>
        <source>C</source>
        <translation>C</translation>
    </message>
    <message>
        <source>C#</source>
        <translation>Cis</translation>
    </message>
    <message>
        <source>D</source>
        <translation>D</translation>
    </message>
    <message>
        <source>Eb</source>
        <translation>Es</translation>
    </message>
    <message>
        <source>E</source>
        <translation>E</translation>
    </message>
    <message>
        <source>F</source>
        <translation>F</translation>
    </message>
    <message>
        <source>F#</source>
        <translation>Fis</translation>
    </message>
    <message>
        <source>G</source>
        <translation>G</translation>
    </message>
    <message>
        <source>Ab</source>
        <translation>As</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>Bb</source>
        <translation>B</translation>
    </message>
    <message>
        <source>B</source>
        <translation>H</translation>
    </message>
    <message>
        <source>Reading the dataset</source>
        <translation>Datensatz wird gelesen</translation>
    </message>
    <message>
        <source>Indexing the training pieces</source>
        <translation>Trainingsstücke werden indiziert</translation>
    </message>
    <message>
        <source>Scoring %1</source>
        <translation>%1 wird bewertet</translation>
    </message>
    <message>
        <source>Generating with %1</source>
        <translation>Erzeugen mit %1</translation>
    </message>
    <message>
        <source>bar %1</source>
        <translation>Takt %1</translation>
    </message>
    <message>
        <source>bars %1–%2</source>
        <translation>Takte %1–%2</translation>
    </message>
    <message>
        <source>%1 copy %2 %3</source>
        <comment>which bars copy which file&apos;s bars</comment>
        <translation>%1 kopieren %2 %3</translation>
    </message>
    <message>
        <source>%1, transposed %2</source>
        <comment>a copied passage, transposed by N semitones</comment>
        <translation>%1, transponiert um %2</translation>
    </message>
</context>
<context>
    <name>pm::app::SampleListWidget</name>
    <message>
        <source>Samples</source>
        <translation>Hörproben</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Playback stopped: %1</source>
        <translation>Wiedergabe beendet: %1</translation>
    </message>
    <message>
        <source>Step %1 — %2</source>
        <translation>Schritt %1 — %2</translation>
    </message>
    <message>
        <source>copies a training piece</source>
        <translation>kopiert ein Trainingsstück</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>Wiedergabe nicht möglich: %1</translation>
    </message>
    <message>
        <source>Playing %1</source>
        <translation>Spiele %1</translation>
    </message>
    <message>
        <source>Samples written at checkpoints</source>
        <translation>Bei Checkpoints geschriebene Hörproben</translation>
    </message>
    <message>
        <source>Play the sample</source>
        <translation>Hörprobe abspielen</translation>
    </message>
    <message>
        <source>Stop the sample</source>
        <translation>Hörprobe stoppen</translation>
    </message>
    <message>
        <source>Sample playback status</source>
        <translation>Wiedergabestatus der Hörprobe</translation>
    </message>
    <message>
        <source>Playing %1 on the built-in piano: %2 could not be opened.</source>
        <translation>Spiele %1 auf dem eingebauten Klavier: %2 konnte nicht geöffnet werden.</translation>
    </message>
</context>
<context>
    <name>pm::app::SettingsDialog</name>
    <message>
        <source>No MIDI outputs found; the built-in synthesizer will play.</source>
        <translation>Keine MIDI-Ausgänge gefunden; der eingebaute Synthesizer spielt.</translation>
    </message>
    <message>
        <source>This build has no MIDI output support; the built-in synthesizer will play.</source>
        <translation>Diese Version unterstützt keine MIDI-Ausgabe; der eingebaute Synthesizer spielt.</translation>
    </message>
    <message>
        <source>No ALSA MIDI sequencer on this system (/dev/snd/seq); the built-in synthesizer will play.</source>
        <translation>Kein ALSA-MIDI-Sequencer auf diesem System (/dev/snd/seq); der eingebaute Synthesizer spielt.</translation>
    </message>
    <message>
        <source>No usable MIDI system was found; the built-in synthesizer will play.</source>
        <translation>Es wurde kein nutzbares MIDI-System gefunden; der eingebaute Synthesizer spielt.</translation>
    </message>
    <message>
        <source>The MIDI system reported an error: %1</source>
        <translation>Das MIDI-System meldete einen Fehler: %1</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>A new language takes effect when PianoMuse restarts.</source>
        <translation>Eine neue Sprache wird nach dem Neustart von PianoMuse wirksam.</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>Automatisch (GPU, falls vorhanden)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>%1 (not available)</source>
        <translation>%1 (nicht verfügbar)</translation>
    </message>
    <message>
        <source>Built-in synthesizer</source>
        <translation>Eingebauter Synthesizer</translation>
    </message>
    <message>
        <source>Looking for MIDI outputs…</source>
        <translation>Suche nach MIDI-Ausgängen…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Compute device:</source>
        <translation>Rechengerät:</translation>
    </message>
    <message>
        <source>MIDI output:</source>
        <translation>MIDI-Ausgang:</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>Datenordner:</translation>
    </message>
    <message>
        <source>%1 (not connected)</source>
        <translation>%1 (nicht verbunden)</translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation>Datenordner wählen</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Datenordner</translation>
    </message>
    <message>
        <source>Browse for a data folder</source>
        <translation>Einen Datenordner wählen</translation>
    </message>
</context>
<context>
    <name>pm::app::TrainPage</name>
    <message>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <source>Teach the model your style. Training shows its progress live: the loss falls as the model learns to predict your music, and the validation curve tells you when it stops improving.</source>
        <translation>Bringen Sie dem Modell Ihren Stil bei. Das Training zeigt seinen Fortschritt live: Der Verlust sinkt, während das Modell lernt, Ihre Musik vorherzusagen, und die Validierungskurve zeigt, wann es sich nicht mehr verbessert.</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>No dataset yet: build or open one on the Dataset page.</source>
        <translation>Noch kein Datensatz: Erstellen oder öffnen Sie einen auf der Seite „Datensatz“.</translation>
    </message>
    <message>
        <source>Dataset:</source>
        <translation>Datensatz:</translation>
    </message>
    <message>
        <source>New model</source>
        <translation>Neues Modell</translation>
    </message>
    <message>
        <source>Fine-tune a model file</source>
        <translation>Eine Modelldatei feinabstimmen</translation>
    </message>
    <message>
        <source>Model file (.safetensors or .pth)</source>
        <translation>Modelldatei (.safetensors oder .pth)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>DeepEmbed (RWKV-8 &quot;Heron&quot;)</source>
        <translation>DeepEmbed (RWKV-8 &quot;Heron&quot;)</translation>
    </message>
    <message>
        <source>New model size:</source>
        <translation>Größe des neuen Modells:</translation>
    </message>
    <message>
        <source>Full fine-tuning</source>
        <translation>Vollständiges Fine-Tuning</translation>
    </message>
    <message>
        <source>LoRA (small adapters, merged on export)</source>
        <translation>LoRA (kleine Adapter, beim Export eingerechnet)</translation>
    </message>
    <message>
        <source>State tuning (tiny artefact)</source>
        <translation>State-Tuning (winzige Datei)</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Methode:</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>Schritte:</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <source>Run folder (empty: a new one in the data folder)</source>
        <translation>Lauf-Ordner (leer: ein neuer im Datenordner)</translation>
    </message>
    <message>
        <source>Run folder:</source>
        <translation>Lauf-Ordner:</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>Batch-Größe:</translation>
    </message>
    <message>
        <source>Context length (tokens):</source>
        <translation>Kontextlänge (Tokens):</translation>
    </message>
    <message>
        <source>Validate every (steps):</source>
        <translation>Validieren alle (Schritte):</translation>
    </message>
    <message>
        <source>LoRA rank:</source>
        <translation>LoRA-Rang:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <source>Loss on continuations only</source>
        <translation>Verlust nur auf Fortsetzungen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Resume a run…</source>
        <translation>Lauf fortsetzen…</translation>
    </message>
    <message>
        <source>Open a run…</source>
        <translation>Lauf öffnen…</translation>
    </message>
    <message>
        <source>Loss (nats per token)</source>
        <translation>Verlust (Nats pro Token)</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Training (smoothed)</source>
        <translation>Training (geglättet)</translation>
    </message>
    <message>
        <source>Model to fine-tune</source>
        <translation>Feinabzustimmendes Modell</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth)</source>
        <translation>Modelle (*.safetensors *.pth)</translation>
    </message>
    <message>
        <source>Run folder to resume</source>
        <translation>Fortzusetzender Lauf-Ordner</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>Lauf-Ordner</translation>
    </message>
    <message>
        <source>Choose a dataset first (Dataset page).</source>
        <translation>Wählen Sie zuerst einen Datensatz (Seite „Datensatz“).</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Paused.</source>
        <translation>Pausiert.</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>Fortgesetzt.</translation>
    </message>
    <message>
        <source>Stopping after the current step (a checkpoint is written)…</source>
        <translation>Stoppt nach dem aktuellen Schritt (ein Checkpoint wird geschrieben)…</translation>
    </message>
    <message>
        <source>Training: %1</source>
        <translation>Training: %1</translation>
    </message>
    <message>
        <source>Resumed at step %1 from %2</source>
        <translation>Bei Schritt %1 aus %2 fortgesetzt</translation>
    </message>
    <message>
        <source>Step %1 of %2 · loss %3 · %4 tokens/s · elapsed %5 · ETA %6</source>
        <translation>Schritt %1 von %2 · Verlust %3 · %4 Tokens/s · vergangen %5 · Rest %6</translation>
    </message>
    <message>
        <source>Step %1: validation loss %2, %3 bits/note%4</source>
        <translation>Schritt %1: Validierungsverlust %2, %3 Bit/Note%4</translation>
    </message>
    <message>
        <source> (best so far)</source>
        <translation> (bisher bester)</translation>
    </message>
    <message>
        <source>Checkpoint written: %1</source>
        <translation>Checkpoint geschrieben: %1</translation>
    </message>
    <message>
        <source>Sample: %1</source>
        <translation>Beispiel: %1</translation>
    </message>
    <message>
        <source>Warning: this sample copies a training piece (%1)</source>
        <translation>Warnung: dieses Beispiel kopiert ein Trainingsstück (%1)</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>Model saved: %1</source>
        <translation>Modell gespeichert: %1</translation>
    </message>
    <message>
        <source>Stopped at step %1.</source>
        <translation>Bei Schritt %1 gestoppt.</translation>
    </message>
    <message>
        <source>Finished at step %1.</source>
        <translation>Bei Schritt %1 fertig.</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>Training fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Opened run %1 (%2 steps).</source>
        <translation>Lauf %1 geöffnet (%2 Schritte).</translation>
    </message>
    <message>
        <source>Fine-tune the PianoMuse base model</source>
        <translation>PianoMuse-Basismodell feinabstimmen</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Model to start from</source>
        <translation>Ausgangsmodell</translation>
    </message>
    <message>
        <source>Model file to fine-tune</source>
        <translation>Feinabzustimmende Modelldatei</translation>
    </message>
    <message>
        <source>Browse for a model file to fine-tune</source>
        <translation>Nach einer feinabzustimmenden Modelldatei suchen</translation>
    </message>
    <message>
        <source>New model size</source>
        <translation>Größe des neuen Modells</translation>
    </message>
    <message>
        <source>Training plan</source>
        <translation>Trainingsplan</translation>
    </message>
    <message>
        <source>Plan:</source>
        <translation>Plan:</translation>
    </message>
    <message>
        <source>Planned from the data and this computer</source>
        <translation>Aus den Daten und diesem Computer geplant</translation>
    </message>
    <message>
        <source>A number of steps</source>
        <translation>Eine feste Anzahl Schritte</translation>
    </message>
    <message>
        <source>A number of passes over the data</source>
        <translation>Eine feste Anzahl Durchgänge über die Daten</translation>
    </message>
    <message>
        <source>Length:</source>
        <translation>Länge:</translation>
    </message>
    <message>
        <source>Passes:</source>
        <translation>Durchgänge:</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Stop early after this many validations without improvement (the best model is kept); 0 = never. Default: %1 for a planned run.</source>
        <translation>Nach so vielen Validierungen ohne Verbesserung vorzeitig stoppen (das beste Modell wird behalten); 0 = nie. Standard: %1 bei einem geplanten Lauf.</translation>
    </message>
    <message>
        <source>Stop early after (validations):</source>
        <translation>Vorzeitig stoppen nach (Validierungen):</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>geplant</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>Training starten</translation>
    </message>
    <message>
        <source>Pause training</source>
        <translation>Training pausieren</translation>
    </message>
    <message>
        <source>Stop training</source>
        <translation>Training stoppen</translation>
    </message>
    <message>
        <source>Try the current model</source>
        <translation>Aktuelles Modell ausprobieren</translation>
    </message>
    <message>
        <source>Opens Generate with the newest model of this run; training goes on</source>
        <translation>Öffnet „Erzeugen“ mit dem neuesten Modell dieses Laufs; das Training läuft weiter</translation>
    </message>
    <message>
        <source>Resume a run</source>
        <translation>Lauf fortsetzen</translation>
    </message>
    <message>
        <source>Open a run</source>
        <translation>Lauf öffnen</translation>
    </message>
    <message>
        <source>Training progress</source>
        <translation>Trainingsfortschritt</translation>
    </message>
    <message>
        <source>Training status</source>
        <translation>Trainingsstatus</translation>
    </message>
    <message>
        <source>Loss curves</source>
        <translation>Verlustkurven</translation>
    </message>
    <message>
        <source>Training loss, smoothed training loss and validation loss per step, with the learning rate</source>
        <translation>Trainingsverlust, geglätteter Trainingsverlust und Validierungsverlust pro Schritt, dazu die Lernrate</translation>
    </message>
    <message>
        <source>Training log</source>
        <translation>Trainingsprotokoll</translation>
    </message>
    <message>
        <source>Measuring this computer&apos;s speed…</source>
        <translation>Die Geschwindigkeit dieses Computers wird gemessen…</translation>
    </message>
    <message numerus="yes">
        <source>%n step(s), as set under Advanced.</source>
        <translation>
            <numerusform>%n Schritt, wie unter „Erweitert“ eingestellt.</numerusform>
            <numerusform>%n Schritte, wie unter „Erweitert“ eingestellt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pass(es) over the data, as set under Advanced.</source>
        <translation>
            <numerusform>%n Durchgang über die Daten, wie unter „Erweitert“ eingestellt.</numerusform>
            <numerusform>%n Durchgänge über die Daten, wie unter „Erweitert“ eingestellt.</numerusform>
        </translation>
    </message>
    <message>
        <source>default (%1)</source>
        <translation>Standard (%1)</translation>
    </message>
    <message numerus="yes">
        <source>about %n minute(s) on this computer</source>
        <translation>
            <numerusform>etwa %n Minute auf diesem Computer</numerusform>
            <numerusform>etwa %n Minuten auf diesem Computer</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 passes over %2 tokens</source>
        <translation>%1 Durchgänge über %2 Tokens</translation>
    </message>
    <message>
        <source>%1 % of one pass over %2 tokens</source>
        <translation>%1 % eines Durchgangs über %2 Tokens</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 (%n step(s))</source>
        <translation>
            <numerusform>%1: %2 (%n Schritt)</numerusform>
            <numerusform>%1: %2 (%n Schritte)</numerusform>
        </translation>
    </message>
    <message>
        <source>, stops early when validation stops improving</source>
        <translation>, stoppt vorzeitig, wenn sich die Validierung nicht mehr verbessert</translation>
    </message>
    <message>
        <source>; shortened to fit the time budget</source>
        <translation>; gekürzt, damit es in das Zeitbudget passt</translation>
    </message>
    <message>
        <source>No plan: %1</source>
        <translation>Kein Plan: %1</translation>
    </message>
    <message>
        <source>Measured: %1 tokens/s on %2</source>
        <translation>Gemessen: %1 Tokens/s auf %2</translation>
    </message>
    <message>
        <source>Resume training</source>
        <translation>Training fortsetzen</translation>
    </message>
    <message>
        <source>Saving the current model for you to try (training goes on)…</source>
        <translation>Das aktuelle Modell wird zum Ausprobieren gespeichert (das Training läuft weiter)…</translation>
    </message>
    <message>
        <source>This run has no model yet.</source>
        <translation>Dieser Lauf hat noch kein Modell.</translation>
    </message>
    <message>
        <source>Plan: %1</source>
        <translation>Plan: %1</translation>
    </message>
    <message>
        <source>Step %1: the current model is saved as %2</source>
        <translation>Schritt %1: Das aktuelle Modell ist als %2 gespeichert</translation>
    </message>
    <message>
        <source>Stopped early at step %1: validation stopped improving. The best model (step %2) is kept as model-best.safetensors.</source>
        <translation>Bei Schritt %1 vorzeitig gestoppt: Die Validierung hat sich nicht mehr verbessert. Das beste Modell (Schritt %2) bleibt als model-best.safetensors erhalten.</translation>
    </message>
    <message>
        <source>Another training is writing to this run folder</source>
        <translation>Ein anderes Training schreibt in diesen Lauf-Ordner</translation>
    </message>
    <message>
        <source>%1.</source>
        <comment>sentence end</comment>
        <extracomment>The end of the plan sentence (a full stop in the language&apos;s own script).</extracomment>
        <translation>%1.</translation>
    </message>
    <message>
        <source>Training processes</source>
        <translation>Trainingsprozesse</translation>
    </message>
    <message>
        <source>Train in this many processes, one per CUDA device (pianomuse-cli train --nproc). Each process trains a batch of the size set under Advanced, so N processes train N batches per step. Such a run cannot be paused; Stop writes a checkpoint.</source>
        <translation>In so vielen Prozessen trainieren, einer je CUDA-Gerät (pianomuse-cli train --nproc). Jeder Prozess trainiert einen Batch der unter „Erweitert“ eingestellten Größe, N Prozesse also N Batches pro Schritt. Ein solcher Lauf kann nicht pausiert werden; „Stopp“ schreibt einen Checkpoint.</translation>
    </message>
    <message>
        <source>Processes:</source>
        <translation>Prozesse:</translation>
    </message>
    <message>
        <source>Shows a run folder&apos;s curves and follows it while another process (pianomuse-cli, a distributed run) is still writing it</source>
        <translation>Zeigt die Kurven eines Laufordners und verfolgt ihn, solange ein anderer Prozess (pianomuse-cli, ein verteilter Lauf) noch hineinschreibt</translation>
    </message>
    <message>
        <source>Followed run</source>
        <translation>Verfolgter Lauf</translation>
    </message>
    <message>
        <source>The training processes did not stop in time and were ended; the last checkpoint is kept.</source>
        <translation>Die Trainingsprozesse hielten nicht rechtzeitig an und wurden beendet; der letzte Checkpoint bleibt erhalten.</translation>
    </message>
    <message>
        <source>Step %1 · loss %2 · %3 tokens/s · elapsed %4</source>
        <translation>Schritt %1 · Verlust %2 · %3 Token/s · vergangen %4</translation>
    </message>
    <message>
        <source>The run ended: %1</source>
        <translation>Der Lauf ist beendet: %1</translation>
    </message>
    <message>
        <source>%1 was replaced; reading it again from the start.</source>
        <translation>%1 wurde ersetzt; es wird von vorn neu gelesen.</translation>
    </message>
    <message numerus="yes">
        <source>Skipped %n line(s) of %1 that are not metrics records.</source>
        <translation>
            <numerusform>%n Zeile in %1 übersprungen, die kein Metrik-Eintrag ist.</numerusform>
            <numerusform>%n Zeilen in %1 übersprungen, die keine Metrik-Einträge sind.</numerusform>
        </translation>
    </message>
    <message>
        <source>A run of this page is training: stop it before following another run.</source>
        <translation>Auf dieser Seite läuft ein Training: Stoppen Sie es, bevor Sie einem anderen Lauf folgen.</translation>
    </message>
    <message>
        <source>No metrics.jsonl in %1 yet: waiting for it.</source>
        <translation>Noch keine metrics.jsonl in %1: es wird darauf gewartet.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is trained by %n worker process(es) (pianomuse-cli): Pause is not available; Stop asks them to stop after a checkpoint.</source>
        <translation>
            <numerusform>%1 wird von %n Arbeitsprozess trainiert (pianomuse-cli): Pausieren ist nicht möglich; „Stopp“ bittet ihn, nach einem Checkpoint anzuhalten.</numerusform>
            <numerusform>%1 wird von %n Arbeitsprozessen trainiert (pianomuse-cli): Pausieren ist nicht möglich; „Stopp“ bittet sie, nach einem Checkpoint anzuhalten.</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for %1 to appear…</source>
        <translation>Warten, bis %1 erscheint…</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>vorzeitig gestoppt</translation>
    </message>
    <message>
        <source>time limit reached</source>
        <translation>Zeitlimit erreicht</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>%1 (written by another process) has ended: %2.</source>
        <translation>%1 (von einem anderen Prozess geschrieben) ist beendet: %2.</translation>
    </message>
    <message>
        <source>Following %1 (written by another process): nothing written for %2.</source>
        <translation>%1 wird verfolgt (von einem anderen Prozess geschrieben): seit %2 nichts geschrieben.</translation>
    </message>
    <message>
        <source>Following %1 (written by another process): Start, Pause and Stop do not act on it.</source>
        <translation>%1 wird verfolgt (von einem anderen Prozess geschrieben): Start, Pause und Stopp wirken nicht darauf.</translation>
    </message>
    <message numerus="yes">
        <source>Training in %n processes needs pianomuse-cli, which was not found (looked for %1). Install it with PianoMuse, or set Processes to 1.</source>
        <translation>
            <numerusform>Training in %n Prozess braucht pianomuse-cli, das nicht gefunden wurde (gesucht: %1). Installieren Sie es mit PianoMuse oder stellen Sie „Prozesse“ auf 1.</numerusform>
            <numerusform>Training in %n Prozessen braucht pianomuse-cli, das nicht gefunden wurde (gesucht: %1). Installieren Sie es mit PianoMuse oder stellen Sie „Prozesse“ auf 1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot start the training processes: %1</source>
        <translation>Die Trainingsprozesse können nicht gestartet werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Starting %n training process(es): %1 %2</source>
        <translation>
            <numerusform>%n Trainingsprozess wird gestartet: %1 %2</numerusform>
            <numerusform>%n Trainingsprozesse werden gestartet: %1 %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopping the training processes after the current step (a checkpoint is written)…</source>
        <translation>Die Trainingsprozesse halten nach dem aktuellen Schritt an (ein Checkpoint wird geschrieben)…</translation>
    </message>
    <message>
        <source>The training processes have ended.</source>
        <translation>Die Trainingsprozesse sind beendet.</translation>
    </message>
    <message>
        <source>pianomuse-cli ended with exit code %1: %2</source>
        <translation>pianomuse-cli endete mit Exit-Code %1: %2</translation>
    </message>
    <message>
        <source>pianomuse-cli did not finish: it could not start or was ended.</source>
        <translation>pianomuse-cli wurde nicht fertig: Es konnte nicht starten oder wurde beendet.</translation>
    </message>
    <message>
        <source>pianomuse-cli did not finish: %1</source>
        <translation>pianomuse-cli wurde nicht fertig: %1</translation>
    </message>
    <message>
        <source>Another process is writing to this run folder: choose another one</source>
        <translation>Ein anderer Prozess schreibt in diesen Laufordner: Wählen Sie einen anderen</translation>
    </message>
    <message>
        <source>A run in several processes cannot be paused: Stop writes a checkpoint and &quot;Resume a run…&quot; continues it</source>
        <translation>Ein Lauf in mehreren Prozessen kann nicht pausiert werden: „Stopp“ schreibt einen Checkpoint, und „Lauf fortsetzen…“ setzt ihn fort</translation>
    </message>
    <message>
        <source>This run is written by another process; Pause does not act on it</source>
        <translation>Dieser Lauf wird von einem anderen Prozess geschrieben; Pause wirkt nicht darauf</translation>
    </message>
    <message>
        <source>This run is written by another process; stop it there (Ctrl-C)</source>
        <translation>Dieser Lauf wird von einem anderen Prozess geschrieben; stoppen Sie ihn dort (Strg+C)</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>Bericht…</translation>
    </message>
    <message>
        <source>Make a report on this run&apos;s model</source>
        <translation>Bericht über das Modell dieses Laufs erstellen</translation>
    </message>
    <message>
        <source>Compares this run&apos;s model with the base model on your validation pieces: what it learned, how its music differs, whether it copies your pieces</source>
        <translation>Vergleicht das Modell dieses Laufs auf Ihren Validierungsstücken mit dem Basismodell: was es gelernt hat, wie sich seine Musik unterscheidet, ob es Ihre Stücke kopiert</translation>
    </message>
    <message>
        <source>Report after each run</source>
        <translation>Bericht nach jedem Lauf</translation>
    </message>
    <message>
        <source>Make a report after each run</source>
        <translation>Nach jedem Lauf einen Bericht erstellen</translation>
    </message>
    <message>
        <source>When a run ends well, make its report at once. It takes a few minutes of CPU time, so it is off unless you turn it on.</source>
        <translation>Wenn ein Lauf erfolgreich endet, sofort seinen Bericht erstellen. Das braucht einige Minuten Rechenzeit, daher ist es aus, bis Sie es einschalten.</translation>
    </message>
    <message>
        <source>This run has no model to report on yet.</source>
        <translation>Dieser Lauf hat noch kein Modell für einen Bericht.</translation>
    </message>
    <message>
        <source>Making the report on %1 (Report page)…</source>
        <translation>Bericht über %1 wird erstellt (Seite Bericht)…</translation>
    </message>
</context>
</TS>
