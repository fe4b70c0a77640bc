<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>fastmap::DatasetPanel</name>
    <message numerus="yes">
        <source>%n column(s); the first rows are shown.</source>
        <translation>
            <numerusform>%n column; the first rows are shown.</numerusform>
            <numerusform>%n columns; the first rows are shown.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::MainWindow</name>
    <message numerus="yes">
        <source>Retrying %n failed element(s).</source>
        <translation>
            <numerusform>Retrying %n failed element.</numerusform>
            <numerusform>Retrying %n failed elements.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n element(s) crashed the function and failed alone</source>
        <translation>
            <numerusform>%n element crashed the function and failed alone</numerusform>
            <numerusform>%n elements crashed the function and failed alone</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The function took its host process down on %n element(s); each was found and failed on its own (see the Errors tab), and every other element has its result.</source>
        <translation>
            <numerusform>The function took its host process down on %n element; it was found and failed on its own (see the Errors tab), and every other element has its result.</numerusform>
            <numerusform>The function took its host process down on %n elements; each was found and failed on its own (see the Errors tab), and every other element has its result.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n thread(s) were still inside the function when the job stopped; they are left to it until the app quits. Process isolation (Settings) stops such a function for good.</source>
        <translation>
            <numerusform>%n thread was still inside the function when the job stopped; it is left to it until the app quits. Process isolation (Settings) stops such a function for good.</numerusform>
            <numerusform>%n threads were still inside the function when the job stopped; they are left to it until the app quits. Process isolation (Settings) stops such a function for good.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Live view: %n redraw(s), %1 ms in all.</source>
        <translation>
            <numerusform>Live view: %n redraw, %1 ms in all.</numerusform>
            <numerusform>Live view: %n redraws, %1 ms in all.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fastmap::RunSettingsForm</name>
    <message numerus="yes">
        <source>%n configured</source>
        <translation>
            <numerusform>%n configured</numerusform>
            <numerusform>%n configured</numerusform>
        </translation>
    </message>
</context>
</TS>
