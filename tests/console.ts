export { allowConsoleErrorInThisTest as expectConsoleError } from './setup/console-guard';
