@echo off
rem Runs sparetire from the unpacked zip with Java 17 or newer (JAVA_HOME, then PATH). It never builds.
rem   bin\sparetire.cmd serve --tftp-root C:\tftpboot
setlocal
rem No parentheses in NEED: it is expanded inside ( ) blocks below.
set "NEED=install a Java 17 or newer runtime, Eclipse Temurin 17 from adoptium.net for example, or set JAVA_HOME"
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java"
set "JV="
for /f "tokens=3" %%v in ('"%JAVA%" -version 2^>^&1 ^| findstr /i version') do set "JV=%%~v"
if not defined JV (echo sparetire: no Java found: %NEED% 1>&2 & exit /b 1)
for /f "tokens=1 delims=.-+" %%m in ("%JV%") do set "MAJOR=%%m"
if %MAJOR% LSS 17 (echo sparetire: Java %JV% found, sparetire needs 17 or newer: %NEED% 1>&2 & exit /b 1)
if not defined SPARETIRE_JAVA_OPTS set "SPARETIRE_JAVA_OPTS=-Xms96m -Xmx256m -XX:+UseSerialGC"
"%JAVA%" %SPARETIRE_JAVA_OPTS% -jar "%~dp0..\lib\sparetire.jar" %*
exit /b %ERRORLEVEL%
